import type { Redis } from '@bastion/api';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
} from 'fastify';
import type { RateLimit } from '../config/security.ts';
import type { Refuse } from './api-error.ts';
import { actorOf } from './auth.ts';
import { clientAddress } from './client-address.ts';

/** Counts one request against a budget; the refusal carries when to retry. */
export type Limiter = (req: FastifyRequest) => Promise<{ retryAfterMs: number } | null>;

/** Per API key (a signed-in session counts as its key), otherwise per client address. */
function clientKey(req: FastifyRequest): string {
  const { keyId } = actorOf(req);
  return keyId ? `key:${keyId}` : `ip:${clientAddress(req)}`;
}

/**
 * Makes `createRateLimit` available; every budget is created from it. With Redis (REDIS_URL) the
 * counters live there, so a budget holds across every replica behind the edge.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  redis: Redis | null = null,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { store: redisBudgets(redis) } : {}),
  });
}

/**
 * Counters in Redis named `bastion:rate:<budget>:<caller>` (`bastion:rate:api:ip:192.0.2.1`). The
 * plugin's store names each child by the route it guards, and a budget made by `createRateLimit`
 * has none (every key read `bastion:rate:undefinedundefined-…`); the budget's name is in the key
 * already (`createLimiter`), so a child is the same store.
 */
function redisBudgets(redis: Redis): FastifyRateLimitStoreCtor {
  return class extends RedisStore {
    constructor() {
      // A window that ends frees the caller (no continueExceeding, no backoff), as in memory.
      super(false, false, redis, 'bastion:rate:');
    }
    override child() {
      return this;
    }
  };
}

/**
 * One named budget. A limiter is created once and handed to every scope it covers, so `/api`
 * and `/v1` share one budget (two stores would double what a caller may send).
 */
export function createLimiter(
  app: FastifyInstance,
  name: string,
  limit: RateLimit,
  key: (req: FastifyRequest) => string = clientKey,
): Limiter {
  const check = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (req) => `${name}:${key(req)}`,
  });
  return async (req) => {
    const result = await check(req);
    return result.isAllowed || !result.isExceeded ? null : { retryAfterMs: result.ttl };
  };
}

/**
 * onRequest guard of an API scope: 429 with `Retry-After` in seconds and a typed body
 * (`reason: 'rate_limited'`, `retryAfterMs`). Runs after the caller is identified.
 */
export function rateLimitGuard(limiter: Limiter | null, refuse: Refuse): onRequestAsyncHookHandler {
  return async (req, reply) => {
    const refused = limiter ? await limiter(req) : null;
    if (refused) return refuseRateLimited(reply, refused, refuse);
  };
}

export function refuseRateLimited(
  reply: FastifyReply,
  { retryAfterMs }: { retryAfterMs: number },
  refuse: Refuse,
): FastifyReply {
  reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return refuse(reply, 'rate_limited', 'Too many requests; retry later', { retryAfterMs });
}
