import cors from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isApiPath, refuse } from './api-error.ts';

export interface CorsOptions {
  /** Exact origins from ALLOWED_ORIGINS; `*` allows any (refused in production by config). */
  allowedOrigins: readonly string[];
}

function sameOrigin(origin: string, req: FastifyRequest): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Cross-origin access to the API: only listed origins, no credentials, a short list of methods
 * and headers. Requests from any other origin are refused outright (403), not only hidden from
 * the calling page, so a foreign page cannot even cause side effects.
 */
export const corsPlugin = fp<CorsOptions>(
  async (app, { allowedOrigins }) => {
    const anyOrigin = allowedOrigins.includes('*');
    const listed = new Set(allowedOrigins);
    const allowed = (origin: string) => anyOrigin || listed.has(origin);

    await app.register(cors, {
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

    app.addHook('onRequest', async (req, reply) => {
      const origin = req.headers.origin;
      if (!origin || !isApiPath(req.url) || allowed(origin) || sameOrigin(origin, req)) return;
      return refuse(reply, 403, 'origin_not_allowed', 'This origin may not call the API');
    });
  },
  { name: 'bastion-cors' },
);
