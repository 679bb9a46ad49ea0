import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '@bastion/api';

/** How long a sign-in lasts (absolute, not sliding): a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most; the oldest go first (a valid key signing in in a loop cannot grow memory). */
const MAX_SESSIONS = 10_000;
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
 * dump or a log line cannot replay a session. In memory: a restart signs everyone out.
 */
export class SessionStore implements Sessions {
  private readonly sessions = new Map<string, { keyId: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** A new session for `keyId`; returns the id to put in the cookie. */
  create(keyId: string): string {
    const id = newToken();
    if (this.sessions.size >= MAX_SESSIONS) this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(digest(id), { keyId, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  /** The key id a live session stands for, or null (unknown, expired or malformed). */
  keyIdOf(id: string | undefined): string | null {
    if (!isToken(id)) return null;
    const hashed = digest(id);
    const session = this.sessions.get(hashed);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(hashed);
      return null;
    }
    return session.keyId;
  }

  delete(id: string | undefined): void {
    if (isToken(id)) this.sessions.delete(digest(id));
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) this.sessions.delete(id);
    }
  }
}

/**
 * Sessions in Redis (REDIS_URL), so a visitor signed in through one replica is signed in on all:
 * one key per session digest, expiring with the session (Redis bounds their number by time).
 */
export class RedisSessionStore implements Sessions {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix = 'bastion:session:') {
    this.redis = redis;
    this.prefix = prefix;
  }

  async create(keyId: string): Promise<string> {
    const id = newToken();
    await this.redis.set(this.prefix + digest(id), keyId, 'PX', SESSION_TTL_MS);
    return id;
  }

  async keyIdOf(id: string | undefined): Promise<string | null> {
    return isToken(id) ? this.redis.get(this.prefix + digest(id)) : null;
  }

  async delete(id: string | undefined): Promise<void> {
    if (isToken(id)) await this.redis.del(this.prefix + digest(id));
  }
}
