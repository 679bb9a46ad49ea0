import type { ServedBy } from '../chat/types.ts';
import type { AnalyticsRecord, EventName } from './events.ts';

/** One UTC day of events, aggregated. */
export interface DaySummary {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  events: Partial<Record<EventName, number>>;
  /** Distinct visitor IDs that day. */
  visitors: number;
  /** `answer_shown` events by the provider that served the answer. */
  answers: Partial<Record<ServedBy, number>>;
  /** Answers the guardrails blocked (`answer_shown` with `servedBy: guardrails`). */
  guardrailBlocks: number;
}

/**
 * Where anonymous events live. The embedded default is one JSONL file per day
 * (`JsonlAnalyticsStore`); with PostgreSQL, one table every replica shares (`SqlAnalyticsStore`,
 * see `openAnalyticsStore`).
 */
export interface AnalyticsStore {
  /**
   * Stores one event; false when the store refused it: the day's size cap was reached, or
   * `source` (who sent it: a key, a client address) used up its share of the day (`DayShares`).
   */
  append(record: AnalyticsRecord, source?: string): Promise<boolean>;
  /** Removes every event of this visitor; resolves to how many were removed. */
  erase(visitorId: string): Promise<number>;
  /** The visitor's stored events, oldest first, at most `limit` of them. */
  export(visitorId: string, limit: number): Promise<AnalyticsRecord[]>;
  /** Deletes every day before `cutoffDay` (`YYYY-MM-DD`); resolves to the days deleted. */
  sweep(cutoffDay: string): Promise<string[]>;
  /** Per-day aggregates of what is stored, oldest day first. */
  summary(): Promise<DaySummary[]>;
  /** Finishes pending writes. */
  close(): Promise<void>;
}

/** The UTC day (`YYYY-MM-DD`) of a timestamp. */
export function utcDay(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}

/** Adds `n` events of one kind to a day's aggregate (shared by every store implementation). */
export function countEvents(
  day: DaySummary,
  event: EventName,
  servedBy: ServedBy | null,
  n = 1,
): void {
  day.events[event] = (day.events[event] ?? 0) + n;
  if (event === 'answer_shown' && servedBy) {
    day.answers[servedBy] = (day.answers[servedBy] ?? 0) + n;
    if (servedBy === 'guardrails') day.guardrailBlocks += n;
  }
}

/** Adds one record to a day's aggregate. */
export function countRecord(day: DaySummary, record: AnalyticsRecord): void {
  countEvents(day, record.event, record.event === 'answer_shown' ? record.props.servedBy : null);
}

export function emptyDay(day: string): DaySummary {
  return { day, events: {}, visitors: 0, answers: {}, guardrailBlocks: 0 };
}

/** Runs tasks one after another, in the order given; a failure does not stall the ones after it. */
export class SerialLane {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Resolves once every task queued so far has finished. */
  async drain(): Promise<void> {
    await this.run(async () => {});
  }
}

/** One source may fill this fraction of a day's cap (64 MiB: 1 MiB, about 10,000 events). */
const SHARES_PER_DAY = 64;

/**
 * Each source's (client address, key) share of a day's cap, so no one address can fill the day
 * and switch analytics off for every visitor until midnight: filling it takes SHARES_PER_DAY
 * sources. Counted in this process for the current day only (events are stamped with the
 * server's time; with replicas each counts its own, so the share is per replica).
 */
export class DayShares {
  readonly #perSource: number;
  #day = '';
  #used = new Map<string, number>();

  constructor(maxDayBytes: number) {
    this.#perSource = Math.floor(maxDayBytes / SHARES_PER_DAY);
  }

  /** Takes `bytes` from `source`'s share of `day`; false (nothing taken) when it would pass it. */
  take(day: string, source: string | undefined, bytes: number): boolean {
    if (source === undefined) return true;
    if (day !== this.#day) {
      this.#day = day;
      this.#used = new Map();
    }
    const used = (this.#used.get(source) ?? 0) + bytes;
    if (used > this.#perSource) return false;
    this.#used.set(source, used);
    return true;
  }
}
