import { isDomainError, type Reason, reasonOf } from '@bastion/api';
import type { FastifyInstance } from 'fastify';
import type { ApiKey } from '../config/security.ts';
import type { Refuse } from './api-error.ts';
import { identifyCaller } from './auth.ts';
import { registerOriginGuard } from './cors.ts';
import { type JsonShape, refuseOversizedJson } from './json-shape.ts';
import type { KeyGuesses } from './key-guesses.ts';
import { type Limiter, rateLimitGuard } from './rate-limit.ts';
import { dataReply } from './security-headers.ts';
import type { Sessions } from './sessions.ts';

export interface ScopeGuardOptions {
  keys: readonly ApiKey[];
  /** Session cookies and the anonymous caller cookie are honoured (the page's `/api`); null: bearer only. */
  sessions: Sessions | null;
  /** Sign-in attempts and refused keys per client address, shared by every scope. */
  keyGuesses: KeyGuesses;
  /** The page's public origin is https (cookies always `__Host-…; Secure`). */
  publicTls: boolean;
  allowedOrigins: readonly string[];
  /** RATE_LIMIT_API, shared by every API scope; null when off. */
  limiter: Limiter | null;
  /** How this surface words a refusal (tRPC's body for `/api`, OpenAI's for `/v1`). */
  refuse: Refuse;
  /** The most objects, arrays and nesting a valid body of this scope holds (bodies are JSON only). */
  jsonShape: JsonShape;
  /** What anonymous callers may read (see `IdentifyOptions`); null: every collection. */
  anonymousCollections?: readonly string[] | null;
}

const REASON_BY_STATUS: Record<number, Reason> = {
  400: 'invalid_input',
  404: 'not_found',
  408: 'timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The guards every API scope starts with. They are hooks of the scope itself (an encapsulated
 * Fastify context with a prefix), so they run because a route of the scope matched, never because
 * a URL string looked a certain way: every spelling the router accepts meets them. In order: the
 * origin guard, the caller's identity, the API rate limit, then a body's shape before it is
 * parsed (`refuseOversizedJson`); every reply of the scope, errors and
 * unknown paths included, is data (`no-store`, no CSP) in the scope's error style.
 */
export async function guardApiScope(
  scope: FastifyInstance,
  options: ScopeGuardOptions,
): Promise<void> {
  const { refuse } = options;
  scope.addHook('onSend', dataReply);
  await registerOriginGuard(scope, options);
  scope.addHook('onRequest', identifyCaller(options));
  scope.addHook('onRequest', rateLimitGuard(options.limiter, refuse));
  scope.addHook('preParsing', refuseOversizedJson(options.jsonShape));

  scope.setNotFoundHandler((_req, reply) => refuse(reply, 'not_found', 'No such API route'));
  scope.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    // Refused on purpose before a handler ran (a body's shape): its own reason.
    if (isDomainError(error)) return refuse(reply, reasonOf(error), error.message);
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err: error }, 'request failed');
      return refuse(reply, 'internal', 'Internal error');
    }
    return refuse(reply, REASON_BY_STATUS[status] ?? 'invalid_input', error.message);
  });
}
