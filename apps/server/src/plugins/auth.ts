import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '@bastion/api';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type ApiKey, secretDigest } from '../config/security.ts';
import { isApiPath, refuse } from './api-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, resolved from `Authorization: Bearer <secret>` (anonymous without one). */
    actor: Actor | null;
  }
}

export interface AuthOptions {
  keys: readonly ApiKey[];
  /** API_KEYS is set: every API call needs a key. */
  requireKey: boolean;
}

const ANONYMOUS: Actor = { keyId: null, role: 'anonymous', collections: null };

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
  return req.actor ?? ANONYMOUS;
}

/**
 * API keys: with API_KEYS set every /api (and /v1) call needs a valid key; /metrics needs an
 * admin key whenever any key is configured; /healthz, /readyz and the page stay open.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, { keys, requireKey }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (req, reply) => {
      const presented = keys.length > 0 ? bearerSecret(req.headers.authorization) : null;
      const key = presented === null ? null : findKey(presented, keys);
      req.actor = key ? { keyId: key.id, role: key.role, collections: key.collections } : ANONYMOUS;

      const path = req.url.split('?')[0] ?? '';
      const guarded = isApiPath(path) || path === '/metrics';
      if (!guarded) return;
      if (presented !== null && !key) {
        return refuse(reply, 401, 'invalid_api_key', 'The API key is not valid');
      }
      if (path === '/metrics' && keys.length > 0 && req.actor.role !== 'admin') {
        return key
          ? refuse(reply, 403, 'admin_required', 'An admin API key is required')
          : refuse(reply, 401, 'unauthenticated', 'An admin API key is required');
      }
      if (requireKey && !key) {
        reply.header('www-authenticate', 'Bearer realm="bastion"');
        return refuse(
          reply,
          401,
          'unauthenticated',
          'An API key is required (Authorization: Bearer <key>)',
        );
      }
    });
  },
  { name: 'bastion-auth' },
);
