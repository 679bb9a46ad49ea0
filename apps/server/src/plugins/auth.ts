import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from '@bastion/api';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type ApiKey, secretDigest } from '../config/security.ts';
import type { Refuse } from './api-error.ts';
import { clientAddress } from './client-address.ts';
import type { KeyGuesses } from './key-guesses.ts';
import { refuseRateLimited } from './rate-limit.ts';
import { isToken, newToken, type Sessions } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, set by the guard of the scope that matched (null outside guarded scopes). */
    actor: Actor | null;
  }
}

/**
 * The key whose secret was presented. Both sides are SHA-256 digests (equal length, so
 * `timingSafeEqual` applies and reveals nothing about length), and every key is compared
 * without stopping early, so timing tells nothing about which key came close.
 */
export function findKey(secret: string, keys: readonly ApiKey[]): ApiKey | null {
  const digest = secretDigest(secret);
  let found: ApiKey | null = null;
  for (const key of keys) {
    if (timingSafeEqual(digest, key.digest) && found === null) found = key;
  }
  return found;
}

/** The secret of `Bearer <secret>`; null for any other form (which is refused, never ignored). */
function bearerSecret(header: string): string | null {
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(header)?.[1] ?? null;
}

export function actorOf(req: FastifyRequest): Actor {
  return (
    req.actor ?? {
      keyId: null,
      role: 'anonymous',
      collections: null,
      callerId: `ip:${clientAddress(req)}`,
      address: clientAddress(req),
      cookieless: true,
    }
  );
}

export function keyActor(key: ApiKey): Actor {
  return { keyId: key.id, role: key.role, collections: key.collections, callerId: `key:${key.id}` };
}

/**
 * Whether this request's cookies are `__Host-…; Secure`: always when the page's public origin is
 * https (`ALLOWED_ORIGINS`, which config decides), else when the request came over TLS as the
 * trusted proxy reports it. A header a client can set may upgrade a cookie, never downgrade one.
 */
export function tlsCookies(req: FastifyRequest, publicTls: boolean): boolean {
  return publicTls || req.protocol === 'https';
}

/** Cookie names: `__Host-` under TLS, so no subdomain or plain-HTTP page can plant or read them. */
export function cookieName(tls: boolean, name: 'session' | 'caller'): string {
  return tls ? `__Host-bastion_${name}` : `bastion_${name}`;
}

/** HttpOnly, SameSite=Strict (never sent on a cross-site request), Secure under TLS, Path=/. */
function cookieAttributes(tls: boolean) {
  return { httpOnly: true, sameSite: 'strict', secure: tls, path: '/' } as const;
}

export function setCookie(
  tls: boolean,
  reply: FastifyReply,
  name: 'session' | 'caller',
  value: string,
  maxAgeS?: number,
): void {
  reply.setCookie(cookieName(tls, name), value, {
    ...cookieAttributes(tls),
    ...(maxAgeS === undefined ? {} : { maxAge: maxAgeS }),
  });
}

/** Cleared with the attributes it was set with: a browser drops a `__Host-` clear without Secure. */
export function clearCookie(tls: boolean, reply: FastifyReply, name: 'session' | 'caller') {
  reply.clearCookie(cookieName(tls, name), cookieAttributes(tls));
}

/** A stable id for an anonymous caller that owns nothing secret (a digest of its cookie). */
function anonymousActor(
  req: FastifyRequest,
  reply: FastifyReply,
  cookies: { tls: boolean } | null,
  collections: readonly string[] | null,
): Actor {
  const address = clientAddress(req);
  const base = { keyId: null, role: 'anonymous' as const, collections, address };
  if (!cookies) return { ...base, callerId: `ip:${address}`, cookieless: true };
  const held = req.cookies[cookieName(cookies.tls, 'caller')];
  if (isToken(held)) return { ...base, callerId: callerIdOf(held) };
  // First visit: the browser gets its id now and is known by it already on this request, so a
  // run it starts here is its own on the next; a client that drops the cookie (the CLI) is
  // known by its address as well.
  const token = newToken();
  setCookie(cookies.tls, reply, 'caller', token);
  return { ...base, callerId: callerIdOf(token), cookieless: true };
}

function callerIdOf(token: string): string {
  return `anon:${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}

export interface IdentifyOptions {
  keys: readonly ApiKey[];
  /** Sessions and the anonymous caller cookie (the page's `/api`); null: bearer keys only. */
  sessions: Sessions | null;
  refuse: Refuse;
  /** The per-address budget every refused key costs from (shared with sign-in). */
  keyGuesses: KeyGuesses;
  /** The page's public origin is https: cookies are always `__Host-…; Secure` (see `tlsCookies`). */
  publicTls: boolean;
  /**
   * What an anonymous caller may read: null (all) on an open server; on a keyed server that lets
   * anonymous visitors chat (PUBLIC_CHAT), only the default collection, never a key's collections.
   */
  anonymousCollections?: readonly string[] | null;
}

/**
 * onRequest guard of an API scope: resolves the caller from `Authorization: Bearer`, else from a
 * session cookie. On a keyed server any Authorization header is a presented credential: one that
 * is not a valid key (wrong, or not in the `Bearer <key>` form) is refused and costs from the
 * address's key budget, never treated as anonymous.
 */
export function identifyCaller({
  keys,
  sessions,
  refuse,
  keyGuesses,
  publicTls,
  anonymousCollections = null,
}: IdentifyOptions): onRequestAsyncHookHandler {
  const byId = new Map(keys.map((key) => [key.id, key]));
  return async (req, reply) => {
    const header = req.headers.authorization;
    if (header !== undefined && keys.length > 0) {
      const spent = keyGuesses.blocked(req);
      if (spent) return refuseRateLimited(reply, spent, refuse);
      const secret = bearerSecret(header);
      const key = secret === null ? null : findKey(secret, keys);
      if (!key) {
        const refused = await keyGuesses.count(req);
        if (refused) return refuseRateLimited(reply, refused, refuse);
        reply.header('www-authenticate', 'Bearer realm="bastion", error="invalid_token"');
        return refuse(reply, 'invalid_api_key', 'The API key is not valid');
      }
      req.actor = keyActor(key);
      return;
    }
    if (!sessions) {
      req.actor = anonymousActor(req, reply, null, anonymousCollections);
      return;
    }
    const tls = tlsCookies(req, publicTls);
    const sessionKey = await sessions.keyIdOf(req.cookies[cookieName(tls, 'session')]);
    const key = sessionKey ? byId.get(sessionKey) : undefined;
    req.actor = key ? keyActor(key) : anonymousActor(req, reply, { tls }, anonymousCollections);
  };
}

/** onRequest guard: with API_KEYS set, an anonymous caller is refused. */
export function requireKey(required: boolean, refuse: Refuse): onRequestAsyncHookHandler {
  return async (req, reply) => {
    if (!required || actorOf(req).role !== 'anonymous') return;
    reply.header('www-authenticate', 'Bearer realm="bastion"');
    return refuse(reply, 'unauthenticated', 'An API key is required (Authorization: Bearer <key>)');
  };
}
