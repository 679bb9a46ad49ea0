import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '@bastion/api';

/** How long a sign-in lasts (absolute, not sliding): a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most (a valid key signing in in a loop cannot grow memory). */
const MAX_SESSIONS = 10_000;
/**
 * Sessions one key holds at most: a key that signs in again past this signs out its own oldest
 * browser, never another key's (any key holder could otherwise sign out everyone, admins too).
 */
export const SESSIONS_PER_KEY = 1_000;
/** 32 random bytes, base64url: what a session id and an anonymous caller id look like. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isToken(value: string | undefined): value is string {
  return value !== undefined && TOKEN.test(value);
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Where signed-in browsers are remembered: this process, or Redis for every replica. */
export interface Sessions {
  /** A new session for `keyId`; returns the id to put in the cookie. */
  create(keyId: string): string | Promise<string>;
  /** The key id a live session stands for, or null (unknown, expired or malformed). */
  keyIdOf(id: string | undefined): string | null | Promise<string | null>;
  delete(id: string | undefined): void | Promise<void>;
}

/**
 * Signed-in browsers: a random session id (the cookie) mapped to the key id it stands for. The
 * key itself is never kept or sent back, and only a digest of the session id is held, so a memory
 * dump or a log line cannot replay a session. In memory: a restart signs everyone out. When full,
 * the key that holds the most sessions loses its oldest, so one key never evicts another's.
 */
export class SessionStore implements Sessions {
  private readonly sessions = new Map<string, { keyId: string; expiresAt: number }>();
  /** Each key's session digests, oldest first. */
  private readonly byKey = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** A new session for `keyId`; returns the id to put in the cookie. */
  create(keyId: string): string {
    const id = newToken();
    const own = this.byKey.get(keyId) ?? new Set<string>();
    this.byKey.set(keyId, own);
    if (own.size >= SESSIONS_PER_KEY) this.evictOldestOf(own);
    if (this.sessions.size >= MAX_SESSIONS) this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.evictOldestOf(this.largestKey());
    const hashed = digest(id);
    this.sessions.set(hashed, { keyId, expiresAt: this.now() + SESSION_TTL_MS });
    own.add(hashed);
    return id;
  }

  /** The key id a live session stands for, or null (unknown, expired or malformed). */
  keyIdOf(id: string | undefined): string | null {
    if (!isToken(id)) return null;
    const hashed = digest(id);
    const session = this.sessions.get(hashed);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.remove(hashed);
      return null;
    }
    return session.keyId;
  }

  delete(id: string | undefined): void {
    if (isToken(id)) this.remove(digest(id));
  }

  private remove(hashed: string): void {
    const session = this.sessions.get(hashed);
    if (!session) return;
    this.sessions.delete(hashed);
    const own = this.byKey.get(session.keyId);
    own?.delete(hashed);
    if (own?.size === 0) this.byKey.delete(session.keyId);
  }

  private evictOldestOf(own: Set<string>): void {
    const oldest = own.values().next().value;
    if (oldest !== undefined) this.remove(oldest);
  }

  private largestKey(): Set<string> {
    let largest = new Set<string>();
    for (const own of this.byKey.values()) if (own.size > largest.size) largest = own;
    return largest;
  }

  private sweep(): void {
    const now = this.now();
    for (const [hashed, session] of this.sessions) {
      if (session.expiresAt <= now) this.remove(hashed);
    }
  }
}

/**
 * Sessions in Redis (REDIS_URL), so a visitor signed in through one replica is signed in on all:
 * one key per session digest, expiring with the session (Redis bounds their number by time), and
 * per key id a sorted set of its digests by expiry, which caps each key at `SESSIONS_PER_KEY` (the
 * key's own oldest go first).
 */
export class RedisSessionStore implements Sessions {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix = 'bastion:session:') {
    this.redis = redis;
    this.prefix = prefix;
  }

  private ownSessions(keyId: string): string {
    return `${this.prefix}key:${keyId}`;
  }

  async create(keyId: string): Promise<string> {
    const id = newToken();
    const hashed = digest(id);
    const own = this.ownSessions(keyId);
    const now = Date.now();
    const [, , , , count] =
      (await this.redis
        .multi()
        .set(this.prefix + hashed, keyId, 'PX', SESSION_TTL_MS)
        .zremrangebyscore(own, '-inf', now)
        .zadd(own, now + SESSION_TTL_MS, hashed)
        .pexpire(own, SESSION_TTL_MS)
        .zcard(own)
        .exec()) ?? [];
    const over = Number(count?.[1] ?? 0) - SESSIONS_PER_KEY;
    if (over > 0) {
      const popped = (await this.redis.zpopmin(own, over)).filter((_, i) => i % 2 === 0);
      if (popped.length > 0) await this.redis.del(...popped.map((d) => this.prefix + d));
    }
    return id;
  }

  async keyIdOf(id: string | undefined): Promise<string | null> {
    return isToken(id) ? this.redis.get(this.prefix + digest(id)) : null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (!isToken(id)) return;
    const hashed = digest(id);
    const keyId = await this.redis.getdel(this.prefix + hashed);
    if (keyId) await this.redis.zrem(this.ownSessions(keyId), hashed);
  }
}
