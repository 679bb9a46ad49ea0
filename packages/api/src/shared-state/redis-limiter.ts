import { randomUUID } from 'node:crypto';
import type { ChatLimiter, ChatLimits, Release } from '../chat/limits.ts';
import { DomainError } from '../errors.ts';
import type { Redis } from './redis.ts';

/** A slot is a lease: a replica that dies stops renewing it, and it frees itself after this. */
export const LEASE_MS = 10_000;
/** Leases are renewed three times per lease period. */
const RENEW_SHARE = 0.3;
const BUSY_RETRY_MS = 1_000;

/**
 * Takes a slot atomically, with Redis's clock (replicas' clocks may differ): drops expired
 * leases, checks each cap in KEYS[1..n-1], then the caller's fixed rate window (KEYS[n], when
 * ARGV[3] > 0), then adds the lease to every cap's set. Returns {0} or {index of the refusal, ms}.
 * ARGV: lease id, lease ms, rate max, rate window ms, then one cap per set.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local caps = #KEYS - 1
for i = 1, caps do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[4 + i]) then return {i, 0} end
end
local rateMax = tonumber(ARGV[3])
if rateMax > 0 then
  local used = tonumber(redis.call('GET', KEYS[#KEYS]) or '0')
  if used >= rateMax then return {#KEYS, redis.call('PTTL', KEYS[#KEYS])} end
  if redis.call('INCR', KEYS[#KEYS]) == 1 then redis.call('PEXPIRE', KEYS[#KEYS], ARGV[4]) end
end
for i = 1, caps do
  redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) * 2)
end
return {0, 0}
`;

/** Pushes a held lease's expiry forward (only if it is still there). */
const RENEW = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', until_, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) * 2)
end
return 0
`;

type Refusal = { reason: 'server_busy' | 'too_many_answers' | 'too_many_streams'; message: string };

const BUSY: Refusal = {
  reason: 'server_busy',
  message: 'Too many answers in progress; retry shortly',
};
const TOO_MANY_ANSWERS: Refusal = {
  reason: 'too_many_answers',
  message: 'You already have as many answers in progress as allowed; wait for one to finish',
};
const TOO_MANY_STREAMS: Refusal = {
  reason: 'too_many_streams',
  message: 'Too many open answer streams; close one first',
};

/**
 * The chat limits shared by every replica (REDIS_URL): CHAT_MAX_ACTIVE counts answers in progress
 * on all replicas together, the per-caller caps and RATE_LIMIT_CHAT count a caller wherever its
 * requests land. Same refusals as the in-memory limiter.
 */
export class RedisChatLimiter implements ChatLimiter {
  private readonly redis: Redis;
  private readonly limits: ChatLimits;
  private readonly prefix: string;
  /** Leases this replica holds, renewed until released. */
  private readonly held = new Map<string, string[]>();
  private readonly renewTimer: ReturnType<typeof setInterval>;
  private readonly leaseMs: number;

  constructor(
    redis: Redis,
    limits: ChatLimits,
    { prefix = 'bastion:', leaseMs = LEASE_MS }: { prefix?: string; leaseMs?: number } = {},
  ) {
    this.redis = redis;
    this.limits = limits;
    this.prefix = prefix;
    this.leaseMs = leaseMs;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(10, leaseMs * RENEW_SHARE));
    this.renewTimer.unref();
  }

  startAnswer(caller: string): Promise<Release> {
    const p = this.prefix;
    return this.take(
      [`${p}chat:active`, `${p}chat:active:${caller}`],
      [this.limits.maxActive, this.limits.maxActivePerCaller],
      [BUSY, TOO_MANY_ANSWERS],
      `${p}chat:rate:${caller}`,
    );
  }

  openStream(caller: string): Promise<Release> {
    return this.take(
      [`${this.prefix}chat:streams:${caller}`],
      [this.limits.maxStreamsPerCaller],
      [TOO_MANY_STREAMS],
      null,
    );
  }

  /** Stops renewing (the leases still held expire on their own). */
  close(): void {
    clearInterval(this.renewTimer);
  }

  private async take(
    sets: string[],
    caps: number[],
    refusals: Refusal[],
    rateKey: string | null,
  ): Promise<Release> {
    const lease = randomUUID();
    const rate = rateKey ? this.limits.rate : null;
    const [refused, waitMs] = (await this.redis.eval(
      TAKE,
      sets.length + 1,
      ...sets,
      rateKey ?? `${this.prefix}chat:no-rate`,
      lease,
      this.leaseMs,
      rate?.max ?? 0,
      rate?.windowMs ?? 0,
      ...caps,
    )) as [number, number];
    if (refused === sets.length + 1) {
      throw new DomainError('rate_limited', 'Too many answers requested; retry later', {
        retryAfterMs: Math.max(waitMs, 1),
      });
    }
    const refusal = refusals[refused - 1];
    if (refusal) {
      throw new DomainError(refusal.reason, refusal.message, { retryAfterMs: BUSY_RETRY_MS });
    }
    this.held.set(lease, sets);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held.delete(lease);
      const multi = this.redis.multi();
      for (const set of sets) multi.zrem(set, lease);
      // A lost release is not fatal: the lease expires on its own.
      void multi.exec().catch(() => {});
    };
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [lease, sets] of this.held) {
      pipeline.eval(RENEW, sets.length, ...sets, lease, this.leaseMs);
    }
    await pipeline.exec().catch(() => {});
  }
}
