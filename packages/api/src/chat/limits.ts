import { DomainError } from '../errors.ts';

export interface ChatLimits {
  /** RATE_LIMIT_CHAT: answers a caller may start per window (every chat path); null when off. */
  rate: { max: number; windowMs: number } | null;
  /** CHAT_MAX_ACTIVE: answers in progress on this server, every caller together. */
  maxActive: number;
  /** CHAT_MAX_ACTIVE_PER_CALLER: answers in progress for one caller. */
  maxActivePerCaller: number;
  /** CHAT_MAX_STREAMS_PER_CALLER: open `chat.stream` subscriptions for one caller. */
  maxStreamsPerCaller: number;
}

/** Gives back what was taken; calling it again does nothing. */
export type Release = () => void;

/**
 * What chat costs, counted per model call rather than per HTTP request: an answer started through
 * any path (a stream, `chat.complete` however batched, the OpenAI-compatible route) counts once
 * against the caller's rate and holds an in-progress slot until it ends. Both methods throw a
 * DomainError (`rate_limited`, `too_many_answers`, `server_busy`, `too_many_streams`).
 * In memory for one process; a shared store can implement the same interface for replicas.
 */
export interface ChatLimiter {
  startAnswer(caller: string): Promise<Release>;
  openStream(caller: string): Promise<Release>;
}

const BUSY_RETRY_MS = 1_000;
/** Expired rate windows are swept once this many callers are remembered. */
const SWEEP_AT = 10_000;

function once(release: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

export class MemoryChatLimiter implements ChatLimiter {
  private readonly limits: ChatLimits;
  private active = 0;
  private readonly activeBy = new Map<string, number>();
  private readonly streamsBy = new Map<string, number>();
  /** Fixed windows: answers started by a caller since `resetAt - windowMs`. */
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(limits: ChatLimits) {
    this.limits = limits;
  }

  async startAnswer(caller: string): Promise<Release> {
    if (this.active >= this.limits.maxActive) {
      throw new DomainError('server_busy', 'Too many answers in progress; retry shortly', {
        retryAfterMs: BUSY_RETRY_MS,
      });
    }
    if ((this.activeBy.get(caller) ?? 0) >= this.limits.maxActivePerCaller) {
      throw new DomainError(
        'too_many_answers',
        'You already have as many answers in progress as allowed; wait for one to finish',
        { retryAfterMs: BUSY_RETRY_MS },
      );
    }
    this.countAgainstRate(caller);
    this.active += 1;
    this.activeBy.set(caller, (this.activeBy.get(caller) ?? 0) + 1);
    return once(() => {
      this.active -= 1;
      decrement(this.activeBy, caller);
    });
  }

  async openStream(caller: string): Promise<Release> {
    if ((this.streamsBy.get(caller) ?? 0) >= this.limits.maxStreamsPerCaller) {
      throw new DomainError('too_many_streams', 'Too many open answer streams; close one first', {
        retryAfterMs: BUSY_RETRY_MS,
      });
    }
    this.streamsBy.set(caller, (this.streamsBy.get(caller) ?? 0) + 1);
    return once(() => decrement(this.streamsBy, caller));
  }

  /** Answers in progress right now (for tests and status). */
  get inProgress(): number {
    return this.active;
  }

  private countAgainstRate(caller: string): void {
    const rate = this.limits.rate;
    if (!rate) return;
    const now = Date.now();
    if (this.windows.size >= SWEEP_AT) {
      for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    }
    let window = this.windows.get(caller);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + rate.windowMs };
      this.windows.set(caller, window);
    }
    if (window.count >= rate.max) {
      throw new DomainError('rate_limited', 'Too many answers requested; retry later', {
        retryAfterMs: window.resetAt - now,
      });
    }
    window.count += 1;
  }
}
