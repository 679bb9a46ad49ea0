import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from '@bastion/api';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { type ApiKey, secretDigest } from '../config/security.ts';
import type { Refuse } from './api-error.ts';
import { clientAddress } from './client-address.ts';
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

function bearerSecret(header: string | undefined): string | null {
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
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

/** Cookie names: `__Host-` under TLS, so no subdomain or plain-HTTP page can plant or read them. */
export function cookieName(req: FastifyRequest, name: 'session' | 'caller'): string {
  return req.protocol === 'https' ? `__Host-bastion_${name}` : `bastion_${name}`;
}

/** HttpOnly, SameSite=Strict (never sent on a cross-site request), Secure under TLS, Path=/. */
function cookieAttributes(req: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    path: '/',
  } as const;
}

export function setCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  name: 'session' | 'caller',
  value: string,
  maxAgeS?: number,
): void {
  reply.setCookie(cookieName(req, name), value, {
    ...cookieAttributes(req),
    ...(maxAgeS === undefined ? {} : { maxAge: maxAgeS }),
  });
}

/** Cleared with the attributes it was set with: a browser drops a `__Host-` clear without Secure. */
export function clearCookie(req: FastifyRequest, reply: FastifyReply, name: 'session' | 'caller') {
  reply.clearCookie(cookieName(req, name), cookieAttributes(req));
}

/** A stable id for an anonymous caller that owns nothing secret (a digest of its cookie). */
function anonymousActor(
  req: FastifyRequest,
  reply: FastifyReply,
  cookies: boolean,
  collections: readonly string[] | null,
): Actor {
  const address = clientAddress(req);
  const base = { keyId: null, role: 'anonymous' as const, collections, address };
  if (!cookies) return { ...base, callerId: `ip:${address}`, cookieless: true };
  const held = req.cookies[cookieName(req, 'caller')];
  if (isToken(held)) return { ...base, callerId: callerIdOf(held) };
  // First visit: the browser gets its id now and is known by it already on this request, so a
  // run it starts here is its own on the next; a client that drops the cookie (the CLI) is
  // known by its address as well.
  const token = newToken();
  setCookie(req, reply, 'caller', token);
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
  /**
   * What an anonymous caller may read: null (all) on an open server; on a keyed server that lets
   * anonymous visitors chat (PUBLIC_CHAT), only the default collection, never a key's collections.
   */
  anonymousCollections?: readonly string[] | null;
}

/**
 * onRequest guard of an API scope: resolves the caller from `Authorization: Bearer`, else from a
 * session cookie; a presented key that is not valid is refused, never treated as anonymous.
 */
export function identifyCaller({
  keys,
  sessions,
  refuse,
  anonymousCollections = null,
}: IdentifyOptions): onRequestAsyncHookHandler {
  const byId = new Map(keys.map((key) => [key.id, key]));
  return async (req, reply) => {
    const presented = bearerSecret(req.headers.authorization);
    if (presented !== null && keys.length > 0) {
      const key = findKey(presented, keys);
      if (!key) return refuse(reply, 'invalid_api_key', 'The API key is not valid');
      req.actor = keyActor(key);
      return;
    }
    const sessionKey = await sessions?.keyIdOf(req.cookies[cookieName(req, 'session')]);
    const key = sessionKey ? byId.get(sessionKey) : undefined;
    req.actor = key
      ? keyActor(key)
      : anonymousActor(req, reply, sessions !== null, anonymousCollections);
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
