import { randomUUID } from 'node:crypto';
import { type ChatRun, merged, type RunHandle } from '../chat/runs.ts';
import type { SharedRunHooks, SharedRunRecord, SharedRuns } from '../chat/shared-runs.ts';
import type { ChatEvent } from '../chat/types.ts';
import { DomainError } from '../errors.ts';
import type { Redis } from './redis.ts';

/** A replica beats this often; one silent for HEARTBEAT_TTL_MS is taken for dead. */
const BEAT_MS = 1_000;
const HEARTBEAT_TTL_MS = 3_000;
/** A run that produces nothing for this long is dropped (every event pushes it further). */
const RUNNING_TTL_MS = 10 * 60_000;
/** Most events kept per run (an answer is far shorter; the cap bounds a runaway one). */
const MAX_EVENTS = 10_000;
/** A follower that hears nothing for this long checks whether the run's replica is alive. */
const IDLE_CHECK_MS = 1_000;
const READ_BATCH = 512;

/** Appends only while this replica still drives the run (a taken-over run refuses the old one). */
const APPEND = `
if redis.call('HGET', KEYS[1], 'driver') ~= ARGV[1] then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], ARGV[2], 'e', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[3], ARGV[2])
return 1
`;

/** 1: the run's replica stopped beating; 0: it is alive; -1: no such run (expired). */
const ORPHANED = `
local driver = redis.call('HGET', KEYS[1], 'driver')
if not driver then return -1 end
if redis.call('EXISTS', ARGV[1] .. driver) == 1 then return 0 end
return 1
`;

/** Takes the run over when its replica is dead; only one claimant wins. */
const CLAIM = `
local driver = redis.call('HGET', KEYS[1], 'driver')
if not driver or driver == ARGV[1] then return 0 end
if redis.call('EXISTS', ARGV[2] .. driver) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'driver', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

const TERMINAL = new Set(['done', 'error']);

/**
 * Event number `seq` is stream entry `0-(seq+1)` (0-0 is not a valid id). Only an exact
 * non-negative integer makes an id Redis accepts (`1e+21` it refuses with an error): anything
 * else is the caller's bad input, refused before it reaches Redis.
 */
const entryId = (seq: number) => {
  if (!Number.isSafeInteger(seq + 1) || seq < 0) {
    throw new DomainError('invalid_input', 'No such event number');
  }
  return `0-${seq + 1}`;
};
const seqOf = (id: string) => Number(id.slice(id.indexOf('-') + 1)) - 1;

function parseEntries(entries: [string, string[]][]): ChatEvent[] {
  return entries.map(([, fields]) => JSON.parse(fields[1] ?? 'null') as ChatEvent);
}

export interface RedisRunsOptions {
  /** How long a finished run stays resumable. */
  retainMs: number;
  prefix?: string;
}

/**
 * Chat runs in Redis: events in one Redis Stream per run (capped, with an expiry), the run's
 * owner, input and driving replica in a hash beside it, a heartbeat key per replica. Followers
 * read the stream (woken by a per-run pub/sub channel), so any replica serves a resume; a cancel
 * is published to every replica and the one driving the run stops it.
 */
export class RedisRuns implements SharedRuns {
  readonly replicaId = randomUUID();
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly p: string;
  private readonly retainMs: number;
  private hooks: SharedRunHooks = { orphaned: () => {} };
  /** Runs this replica drives, and how to stop each. */
  private readonly driving = new Map<string, () => void>();
  /** Local followers of each run channel, woken on every append. */
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly subscribed = new Map<string, Promise<unknown>>();
  private readonly timer: ReturnType<typeof setInterval>;

  private constructor(redis: Redis, subscriber: Redis, options: RedisRunsOptions) {
    this.redis = redis;
    this.subscriber = subscriber;
    this.p = options.prefix ?? 'bastion:';
    this.retainMs = options.retainMs;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.cancelChannel) {
        this.driving.get(message)?.();
        return;
      }
      for (const wake of this.listeners.get(channel) ?? []) wake();
    });
    this.timer = setInterval(() => void this.tick(), BEAT_MS);
    this.timer.unref();
  }

  /** Starts beating and listening for cancels before the replica takes any run. */
  static async open(redis: Redis, options: RedisRunsOptions): Promise<RedisRuns> {
    const subscriber = redis.duplicate();
    subscriber.on('error', () => {});
    const runs = new RedisRuns(redis, subscriber, options);
    await runs.beat();
    await subscriber.subscribe(runs.cancelChannel);
    return runs;
  }

  setHooks(hooks: SharedRunHooks): void {
    this.hooks = hooks;
  }

  private get cancelChannel(): string {
    return `${this.p}cancel`;
  }

  private key(runId: string, part = ''): string {
    return `${this.p}run:${runId}${part}`;
  }

  private heartbeatPrefix(): string {
    return `${this.p}replica:`;
  }

  async create(runId: string, record: SharedRunRecord, firstViewerMs: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(runId), {
        owner: JSON.stringify(record.owner),
        input: JSON.stringify(record.input),
        driver: this.replicaId,
        cancelled: '0',
      })
      .pexpire(this.key(runId), RUNNING_TTL_MS)
      .set(this.key(runId, ':watched'), '1', 'PX', Math.max(1, firstViewerMs))
      .exec();
  }

  async append(runId: string, seq: number, event: ChatEvent): Promise<void> {
    const appended = await this.redis.eval(
      APPEND,
      3,
      this.key(runId),
      this.key(runId, ':events'),
      this.key(runId),
      this.replicaId,
      entryId(seq),
      JSON.stringify(event),
      RUNNING_TTL_MS,
      MAX_EVENTS,
    );
    if (appended !== 1) throw new Error('run taken over by another replica');
  }

  track(runId: string, stop: () => void): void {
    this.driving.set(runId, stop);
  }

  async finish(runId: string): Promise<void> {
    this.driving.delete(runId);
    await this.redis
      .multi()
      .pexpire(this.key(runId), this.retainMs)
      .pexpire(this.key(runId, ':events'), this.retainMs)
      .exec();
  }

  async record(runId: string): Promise<SharedRunRecord | null> {
    const [owner, input, cancelled] = await this.redis.hmget(
      this.key(runId),
      'owner',
      'input',
      'cancelled',
    );
    if (!owner || !input) return null;
    return { owner: JSON.parse(owner), input: JSON.parse(input), cancelled: cancelled === '1' };
  }

  async events(runId: string): Promise<ChatEvent[]> {
    return parseEntries(await this.redis.xrange(this.key(runId, ':events'), '-', '+'));
  }

  async cancel(runId: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(runId), 'cancelled', '1')
      .publish(this.cancelChannel, runId)
      .exec();
  }

  async claim(runId: string): Promise<boolean> {
    const won = await this.redis.eval(
      CLAIM,
      1,
      this.key(runId),
      this.replicaId,
      this.heartbeatPrefix(),
      RUNNING_TTL_MS,
    );
    return won === 1;
  }

  handle(runId: string, graceMs: number): RunHandle {
    return this.viewerOf(runId, (from, signal) => this.follow(runId, from, graceMs, signal));
  }

  drivenHandle(run: ChatRun, graceMs: number): RunHandle {
    return this.viewerOf(run.id, (from, signal) => this.followDriven(run, from, graceMs, signal));
  }

  private viewerOf(runId: string, follow: RunHandle['follow']): RunHandle {
    return {
      id: runId,
      follow,
      attach: () => {},
      // Followers keep the run watched while they read; with no grace it stops at once.
      detach: (grace) => {
        if (grace <= 0) void this.redis.del(this.key(runId, ':watched')).catch(() => {});
      },
    };
  }

  private watch(runId: string, graceMs: number): Promise<unknown> {
    return this.redis.set(this.key(runId, ':watched'), '1', 'PX', graceMs + 2 * IDLE_CHECK_MS);
  }

  /** See `drivenHandle`: no Redis read unless the run is handed over. */
  private async *followDriven(
    run: ChatRun,
    from: number,
    graceMs: number,
    signal: AbortSignal,
  ): AsyncGenerator<{ seq: number; event: ChatEvent }> {
    const keepWatched = () => void this.watch(run.id, graceMs).catch(() => {});
    keepWatched();
    const timer = setInterval(keepWatched, IDLE_CHECK_MS);
    let seq = from;
    try {
      for await (const item of run.follow(from, signal)) {
        yield item;
        seq = item.seq + 1;
      }
    } finally {
      clearInterval(timer);
    }
    if (run.handedOver && !signal.aborted) yield* this.follow(run.id, seq, graceMs, signal);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.driving.clear();
    // The heartbeat goes at once, so viewers can take over what this replica leaves unfinished.
    await this.redis.del(`${this.heartbeatPrefix()}${this.replicaId}`).catch(() => {});
    this.subscriber.disconnect();
  }

  private async *follow(
    runId: string,
    from: number,
    graceMs: number,
    signal: AbortSignal,
  ): AsyncGenerator<{ seq: number; event: ChatEvent }> {
    const channel = this.key(runId);
    let dirty = false;
    let wake: (() => void) | null = null;
    const listener = () => {
      dirty = true;
      wake?.();
    };
    await this.listen(channel, listener);
    try {
      let seq = from;
      let first = true;
      let watchedAt = 0;
      for (;;) {
        if (Date.now() - watchedAt >= IDLE_CHECK_MS) {
          watchedAt = Date.now();
          await this.watch(runId, graceMs);
        }
        dirty = false;
        const entries = await this.redis.xrange(
          this.key(runId, ':events'),
          entryId(seq),
          '+',
          'COUNT',
          READ_BATCH,
        );
        if (entries.length > 0) {
          // Trimmed or expired below the resume point: the text in between is gone.
          if (first && seq > 0 && seqOf(entries[0]![0]) !== seq) {
            throw new DomainError('resume_expired', 'That answer can no longer be resumed');
          }
          first = false;
          for (const item of merged(parseEntries(entries), seq, seq)) {
            yield item;
            seq = item.seq + 1;
            if (TERMINAL.has(item.event.type)) return;
          }
          continue;
        }
        first = false;
        if (signal.aborted) return;
        // Nothing from `seq` on: a run that already ended before it has nothing more to send
        // (as in memory), rather than a wait until its stream expires.
        const [last] = await this.redis.xrevrange(this.key(runId, ':events'), '+', '-', 'COUNT', 1);
        if (last && seqOf(last[0]) < seq && TERMINAL.has(parseEntries([last])[0]?.type ?? '')) {
          return;
        }
        if (dirty) continue;
        const woken = await new Promise<boolean>((resolve) => {
          const done = (value: boolean) => {
            clearTimeout(timeout);
            signal.removeEventListener('abort', aborted);
            wake = null;
            resolve(value);
          };
          const aborted = () => done(false);
          const timeout = setTimeout(() => done(false), IDLE_CHECK_MS);
          wake = () => done(true);
          signal.addEventListener('abort', aborted, { once: true });
        });
        if (woken || signal.aborted) continue;
        const state = await this.redis.eval(ORPHANED, 1, channel, this.heartbeatPrefix());
        if (state === -1)
          throw new DomainError('resume_expired', 'That answer can no longer be resumed');
        if (state === 1) this.hooks.orphaned(runId);
      }
    } finally {
      await this.unlisten(channel, listener);
    }
  }

  private async listen(channel: string, listener: () => void): Promise<void> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    await this.subscribed.get(channel);
  }

  private async unlisten(channel: string, listener: () => void): Promise<void> {
    const set = this.listeners.get(channel);
    set?.delete(listener);
    if (!set || set.size > 0) return;
    this.listeners.delete(channel);
    this.subscribed.delete(channel);
    await this.subscriber.unsubscribe(channel).catch(() => {});
  }

  private beat(): Promise<unknown> {
    return this.redis.set(
      `${this.heartbeatPrefix()}${this.replicaId}`,
      '1',
      'PX',
      HEARTBEAT_TTL_MS,
    );
  }

  /** Beats, and stops the runs this replica drives that nobody watches any more. */
  private async tick(): Promise<void> {
    try {
      await this.beat();
      const ids = [...this.driving.keys()];
      if (ids.length === 0) return;
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.exists(this.key(id, ':watched'));
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([error, exists], i) => {
        if (!error && exists === 0) this.driving.get(ids[i]!)?.();
      });
    } catch {
      // Redis away for a moment: the next tick tries again.
    }
  }
}
