import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimit } from '../config/security.ts';
import { isApiPath, refuse } from './api-error.ts';

export interface RateLimitOptions {
  chat: RateLimit | null;
  api: RateLimit | null;
}

/** tRPC paths name their procedures (`/api/trpc/status.summary,chat.complete` in a batch). */
export function isChatRequest(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  if (path === '/v1/chat/completions') return true;
  if (!path.startsWith('/api/trpc/')) return false;
  return path
    .slice('/api/trpc/'.length)
    .split(',')
    .some((procedure) => procedure.startsWith('chat.'));
}

/** Per API key when one was presented, otherwise per client address (X-Forwarded-For from a trusted proxy). */
function clientKey(req: FastifyRequest): string {
  return req.actor?.keyId ? `key:${req.actor.keyId}` : `ip:${req.ip}`;
}

/**
 * App-level limits (RATE_LIMIT_CHAT, RATE_LIMIT_API), behind the edge's own: a refused call gets
 * 429, `Retry-After` in seconds and a typed body with `reason: 'rate_limited'` and `retryAfterMs`.
 * A chat call counts against both limits.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, options) => {
    if (!options.chat && !options.api) return;
    await app.register(rateLimit, { global: false });
    const limiters = [
      { limit: options.api, name: 'api', applies: isApiPath },
      { limit: options.chat, name: 'chat', applies: isChatRequest },
    ].flatMap(({ limit, name, applies }) =>
      limit
        ? [
            {
              applies,
              check: app.createRateLimit({
                max: limit.max,
                timeWindow: limit.windowMs,
                keyGenerator: (req) => `${name}:${clientKey(req)}`,
              }),
            },
          ]
        : [],
    );

    app.addHook('onRequest', async (req, reply) => {
      for (const limiter of limiters) {
        if (!limiter.applies(req.url)) continue;
        const result = await limiter.check(req);
        if (result.isAllowed || !result.isExceeded) continue;
        reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
        return refuse(reply, 429, 'rate_limited', 'Too many requests; retry later', {
          retryAfterMs: result.ttl,
        });
      }
    });
  },
  { name: 'bastion-rate-limit', dependencies: ['bastion-auth'] },
);
