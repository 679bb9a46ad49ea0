import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from '../shared-state/redis.ts';

/** How long after an answer its feedback token is accepted. */
export const FEEDBACK_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** `<expiry, base 36 ms>.<HMAC-SHA256, base64url>`. */
export const FEEDBACK_TOKEN = /^[0-9a-z]{1,12}\.[A-Za-z0-9_-]{43}$/;
const REDIS_KEY = 'bastion:feedback:token-key';

export type TokenCheck = 'ok' | 'invalid' | 'expired';

/**
 * Feedback tokens: issued with an answer to whoever may watch it (its starter), they prove that
 * the answer exists and was the caller's. Stateless (an HMAC over the request id and the expiry),
 * so no table grows with answers nobody rates; a restart without Redis retires earlier tokens.
 */
export class FeedbackTokens {
  readonly #key: Buffer;
  readonly #ttlMs: number;

  constructor(key: Buffer = randomBytes(32), ttlMs = FEEDBACK_TOKEN_TTL_MS) {
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  #mac(requestId: string, expires: string): Buffer {
    return createHmac('sha256', this.#key).update(`feedback\0${requestId}\0${expires}`).digest();
  }

  issue(requestId: string, now = Date.now()): string {
    const expires = (now + this.#ttlMs).toString(36);
    return `${expires}.${this.#mac(requestId, expires).toString('base64url')}`;
  }

  check(token: string, requestId: string, now = Date.now()): TokenCheck {
    if (!FEEDBACK_TOKEN.test(token)) return 'invalid';
    const [expires = '', mac = ''] = token.split('.');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(requestId, expires);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number.parseInt(expires, 36) < now ? 'expired' : 'ok';
  }
}

/**
 * The signing key: with Redis, one key shared by every replica (the first to start makes it), so
 * a token from one replica holds at another; otherwise a key of this process.
 */
export async function feedbackTokens(redis: Redis | null): Promise<FeedbackTokens> {
  if (!redis) return new FeedbackTokens();
  await redis.set(REDIS_KEY, randomBytes(32).toString('hex'), 'NX');
  const shared = await redis.get(REDIS_KEY);
  if (!shared) throw new Error('the feedback token key could not be read from Redis');
  return new FeedbackTokens(Buffer.from(shared, 'hex'));
}
