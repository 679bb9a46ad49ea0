import type { RunOwner } from './owner.ts';
import type { ChatEvent } from './types.ts';

const MAX_MERGED_CHARS = 16_384;

/** Waits until `wake` is called or `signal` aborts, without leaking listeners. */
function waitFor(register: (wake: () => void) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    register(done);
  });
}

/**
 * The events of `events` from index `from` up to `end`, numbered from `firstSeq`. Deltas that queued up
 * while the subscriber was busy go out as one event (tracked by the seq of the last one merged),
 * so a fast producer never pays the per-event cost token by token and a slow one is not delayed.
 */
export function* merged(
  events: readonly ChatEvent[],
  from: number,
  firstSeq: number,
  end = events.length,
): Generator<{ seq: number; event: ChatEvent }> {
  for (let i = from - firstSeq; i < end; i++) {
    const event = events[i]!;
    if (event.type !== 'delta') {
      yield { seq: firstSeq + i, event };
      continue;
    }
    let text = event.text;
    while (i + 1 < end && text.length < MAX_MERGED_CHARS) {
      const next = events[i + 1]!;
      if (next.type !== 'delta') break;
      text += next.text;
      i += 1;
    }
    yield { seq: firstSeq + i, event: text === event.text ? event : { type: 'delta', text } };
  }
}

/** What a viewer follows: a run held in this process, or one shared through Redis. */
export interface RunHandle {
  readonly id: string;
  follow(from: number, signal: AbortSignal): AsyncGenerator<{ seq: number; event: ChatEvent }>;
  /** A viewer arrives / leaves (the run is stopped `graceMs` after its last viewer left). */
  attach(): void;
  detach(graceMs: number): void;
}

/**
 * One answer being produced. Its events are kept (in order) so a client that lost its connection
 * can resume after the last event it saw; the upstream call is aborted when the client cancels,
 * or when nobody has been listening for the grace period.
 */
export class ChatRun implements RunHandle {
  readonly id: string;
  /** Who started it: only they may watch or cancel the run (see `owns`). */
  readonly owner: RunOwner;
  readonly controller = new AbortController();
  private readonly events: ChatEvent[] = [];
  private waiters: (() => void)[] = [];
  private subscribers = 0;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * With shared state, how many events are in the shared stream: viewers here see only those, so
   * what they see is what every replica serves, and what a replica taking the run over continues
   * from. Undefined: every event is shown as it is pushed.
   */
  private shown: number | undefined;
  /** Another replica drives the run now: viewers here continue from the shared stream. */
  handedOver = false;
  finished = false;
  finishedAt = 0;

  constructor(id: string, owner: RunOwner) {
    this.id = id;
    this.owner = owner;
  }

  push(event: ChatEvent): void {
    this.events.push(event);
    if (this.shown === undefined) this.wakeAll();
  }

  /** Its events are shown once in the shared stream (see `shared`); those it has are already. */
  showShared(): void {
    this.shown = this.events.length;
  }

  /** The first `count` events are in the shared stream. */
  shared(count: number): void {
    if (this.shown === undefined || count <= this.shown) return;
    this.shown = Math.min(count, this.events.length);
    this.wakeAll();
  }

  /** Another replica took the run over (this one's appends are refused). */
  handOver(): void {
    this.handedOver = true;
    this.wakeAll();
  }

  finish(): void {
    this.finished = true;
    this.finishedAt = Date.now();
    clearTimeout(this.graceTimer);
    this.wakeAll();
  }

  /**
   * Events from index `from` on, live until the run finishes, is handed over, or `signal` aborts
   * (see `merged`).
   */
  async *follow(
    from: number,
    signal: AbortSignal,
  ): AsyncGenerator<{ seq: number; event: ChatEvent }> {
    let seq = from;
    for (;;) {
      for (const item of merged(this.events, seq, 0, this.shown ?? this.events.length)) {
        yield item;
        seq = item.seq + 1;
      }
      if (signal.aborted) return;
      // More came while the last ones were being sent.
      if (seq < (this.shown ?? this.events.length)) continue;
      if (this.finished || this.handedOver) return;
      await waitFor((wake) => this.waiters.push(wake), signal);
    }
  }

  /** How many events it has (the sequence number of the next one). */
  get length(): number {
    return this.events.length;
  }

  attach(): void {
    this.subscribers += 1;
    clearTimeout(this.graceTimer);
  }

  /** The last listener left: abort after `graceMs` unless someone resumes first. */
  detach(graceMs: number): void {
    this.subscribers -= 1;
    this.awaitViewer(graceMs);
  }

  /** Nobody watches (a run starts that way): abort after `graceMs` unless a viewer comes. */
  awaitViewer(graceMs: number): void {
    if (this.subscribers > 0 || this.finished) return;
    clearTimeout(this.graceTimer);
    if (graceMs <= 0) this.cancel();
    else this.graceTimer = setTimeout(() => this.cancel(), graceMs);
  }

  cancel(): void {
    clearTimeout(this.graceTimer);
    this.controller.abort();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export interface ChatRunsOptions {
  /** How long a finished run stays resumable. */
  retainMs: number;
  /** Most runs kept at once (oldest finished dropped first). */
  maxRuns: number;
}

/** Runs past their retention are looked for at most this often (a look visits every run). */
const SWEEP_EVERY_MS = 1_000;

export class ChatRuns {
  private readonly runs = new Map<string, ChatRun>();
  private readonly options: ChatRunsOptions;
  private nextSweepAt = 0;

  constructor(options: ChatRunsOptions) {
    this.options = options;
  }

  /** Registers a run; false when the server already holds as many unfinished runs as allowed. */
  add(run: ChatRun): boolean {
    const now = Date.now();
    if (now >= this.nextSweepAt || this.runs.size >= this.options.maxRuns) {
      this.nextSweepAt = now + SWEEP_EVERY_MS;
      this.sweep(now);
    }
    if (this.runs.size >= this.options.maxRuns) return false;
    this.runs.set(run.id, run);
    return true;
  }

  get(id: string): ChatRun | undefined {
    return this.runs.get(id);
  }

  get size(): number {
    return this.runs.size;
  }

  private sweep(now: number): void {
    for (const [id, run] of this.runs) {
      if (run.finished && now - run.finishedAt > this.options.retainMs) this.runs.delete(id);
    }
    if (this.runs.size < this.options.maxRuns) return;
    for (const [id, run] of this.runs) {
      if (this.runs.size < this.options.maxRuns) break;
      if (run.finished) this.runs.delete(id);
    }
  }
}

/** Tracked event ids are `<runId>:<seq>`. */
export function eventId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

/**
 * The sequence number of an event id: only as `eventId` writes it (decimal digits, no sign,
 * leading zero, space, exponent or hex), and below 10^15, so that it and every number derived
 * from it stays an exact integer any store (Redis stream ids included) accepts.
 */
const EVENT_SEQ = /^(?:0|[1-9][0-9]{0,14})$/;

/** `<runId>:<seq>` back into its parts; null for anything `eventId` would not have written. */
export function parseEventId(id: string): { runId: string; seq: number } | null {
  const cut = id.lastIndexOf(':');
  const seq = id.slice(cut + 1);
  if (cut <= 0 || !EVENT_SEQ.test(seq)) return null;
  return { runId: id.slice(0, cut), seq: Number(seq) };
}
