import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from '../shared-state/redis.ts';

/** How long after an answer its feedback token is accepted. */
export const FEEDBACK_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** `<expiry, base 36 ms>.<HMAC-SHA256, base64url>`. */
export const FEEDBACK_TOKEN = /^[0-9a-z]{1,12}\.[A-Za-z0-9_-]{43}$/;
const REDIS_KEY = 'bastion:feedback:token-key';

export type TokenCheck = 'ok' | 'invalid' | 'expired';

/** How often a replica re-reads the shared key while it issues tokens. */
const KEY_REFRESH_MS = 30_000;

/**
 * Feedback tokens: issued with an answer to whoever may watch it (its starter), they prove that
 * the answer exists and was the caller's. Stateless (an HMAC over the request id and the expiry),
 * so no table grows with answers nobody rates; a restart without Redis retires earlier tokens.
 */
export class FeedbackTokens {
  /** The key tokens are issued with, then the one it replaced (its tokens still hold here). */
  #keys: Buffer[];
  readonly #ttlMs: number;
  readonly #sharedKey: (() => Promise<Buffer>) | null;
  #readAt = Number.NEGATIVE_INFINITY;

  /** `sharedKey`: where replicas agree on the key (Redis), re-read as it may change. */
  constructor(
    key: Buffer = randomBytes(32),
    ttlMs = FEEDBACK_TOKEN_TTL_MS,
    sharedKey: (() => Promise<Buffer>) | null = null,
  ) {
    this.#keys = [key];
    this.#ttlMs = ttlMs;
    this.#sharedKey = sharedKey;
  }

  #mac(key: Buffer, requestId: string, expires: string): Buffer {
    return createHmac('sha256', key).update(`feedback\0${requestId}\0${expires}`).digest();
  }

  issue(requestId: string, now = Date.now()): string {
    // Without waiting: a key that changed (Redis lost it and another replica made a new one)
    // is picked up within KEY_REFRESH_MS, so replicas converge on one key again.
    if (now - this.#readAt >= KEY_REFRESH_MS) void this.#refresh(now).catch(() => {});
    const expires = (now + this.#ttlMs).toString(36);
    return `${expires}.${this.#mac(this.#keys[0] as Buffer, requestId, expires).toString('base64url')}`;
  }

  async check(token: string, requestId: string, now = Date.now()): Promise<TokenCheck> {
    const verdict = this.#verify(token, requestId, now);
    if (verdict !== 'invalid') return verdict;
    // Maybe signed by another replica with a key this one has not seen yet (one Redis read; a
    // flood of forged tokens is held back by the page-writes budget, not here).
    return (await this.#refresh(now)) ? this.#verify(token, requestId, now) : verdict;
  }

  #verify(token: string, requestId: string, now: number): TokenCheck {
    if (!FEEDBACK_TOKEN.test(token)) return 'invalid';
    const [expires = '', mac = ''] = token.split('.');
    const given = Buffer.from(mac, 'base64url');
    // Only one spelling of a token is accepted: the last character of base64url carries spare
    // bits that decoding ignores.
    if (given.toString('base64url') !== mac) return 'invalid';
    const signed = this.#keys.some((key) => {
      const expected = this.#mac(key, requestId, expires);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!signed) return 'invalid';
    return Number.parseInt(expires, 36) < now ? 'expired' : 'ok';
  }

  /** Reads the shared key; true when it changed. */
  async #refresh(now: number): Promise<boolean> {
    if (!this.#sharedKey) return false;
    this.#readAt = now;
    const key = await this.#sharedKey();
    const [current] = this.#keys;
    if (current?.equals(key)) return false;
    this.#keys = current ? [key, current] : [key];
    return true;
  }
}

/**
 * The signing key: with Redis, one key shared by every replica (the first to start makes it, and
 * the first to find it gone makes the next), so a token from one replica holds at another;
 * otherwise a key of this process.
 */
export async function feedbackTokens(redis: Redis | null): Promise<FeedbackTokens> {
  if (!redis) return new FeedbackTokens();
  const sharedKey = async (): Promise<Buffer> => {
    await redis.set(REDIS_KEY, randomBytes(32).toString('hex'), 'NX');
    const shared = await redis.get(REDIS_KEY);
    if (!shared) throw new Error('the feedback token key could not be read from Redis');
    return Buffer.from(shared, 'hex');
  };
  return new FeedbackTokens(await sharedKey(), FEEDBACK_TOKEN_TTL_MS, sharedKey);
}
