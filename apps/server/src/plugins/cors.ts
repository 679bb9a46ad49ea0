import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Refuse } from './api-error.ts';

export interface CorsOptions {
  /** Exact origins from ALLOWED_ORIGINS; `*` allows any (refused in production by config). */
  allowedOrigins: readonly string[];
  refuse: Refuse;
}

function sameOrigin(origin: string, req: FastifyRequest): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Methods that carry a body; such a request must be JSON (a cross-site form cannot send JSON). */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * The origin guard of an API scope (`/api`, `/v1`), registered inside it so it runs for every
 * route the scope matches, whatever the spelling of the URL:
 * - cross-origin access only from listed origins, no credentials, a short list of methods and
 *   headers; any other origin is refused outright (403), not only hidden from the calling page;
 * - a browser request that says it is cross-site (`Sec-Fetch-Site`) without a listed origin is
 *   refused too: an `<img>` or `<link>` on another site sends no `Origin` but does send that;
 * - a request with a body must be `application/json`, which a cross-site page can send only after
 *   a preflight this guard refuses (forms and `no-cors` fetches can send only simple types).
 */
export async function registerOriginGuard(
  scope: FastifyInstance,
  { allowedOrigins, refuse }: CorsOptions,
): Promise<void> {
  const anyOrigin = allowedOrigins.includes('*');
  const listed = new Set(allowedOrigins);
  const allowed = (origin: string) => anyOrigin || listed.has(origin);

  await scope.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'last-event-id',
      'trpc-accept',
      'x-request-id',
    ],
    exposedHeaders: ['retry-after', 'x-request-id'],
    credentials: false,
    maxAge: 600,
    strictPreflight: true,
  });
  scope.addHook('onRequest', originGuard(allowed, refuse));
}

function originGuard(
  allowed: (origin: string) => boolean,
  refuse: Refuse,
): onRequestAsyncHookHandler {
  return async (req, reply) => {
    const origin = req.headers.origin;
    const trusted = origin !== undefined && (allowed(origin) || sameOrigin(origin, req));
    if (origin !== undefined && !trusted) {
      return refuse(reply, 'origin_not_allowed', 'This origin may not call the API');
    }
    const site = req.headers['sec-fetch-site'];
    if (!trusted && (site === 'cross-site' || site === 'same-site')) {
      return refuse(
        reply,
        'cross_site_request',
        'A request from another site may not call the API',
      );
    }
    if (WITH_BODY.has(req.method) && !isJson(req.headers['content-type'])) {
      return refuse(reply, 'unsupported_media_type', 'The request body must be application/json');
    }
  };
}
