import type { Generated, Kysely } from 'kysely';
import type { ServedBy } from '../chat/types.ts';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { AnalyticsRecord, EventName } from './events.ts';
import { MAX_DAY_BYTES } from './jsonl-store.ts';
import {
  type AnalyticsStore,
  countEvents,
  DayShares,
  type DaySummary,
  emptyDay,
  SerialLane,
  utcDay,
} from './store.ts';

/** Migrations `0005-analytics` (SQLite) and `0003-analytics` (PostgreSQL): one row per event. */
export interface AnalyticsEventsTable {
  id: Generated<number>;
  /** The UTC day of `ts` (`YYYY-MM-DD`): what retention and the summary group by. */
  day: string;
  ts: string;
  visitor_id: string;
  event: string;
  /** `answer_shown`'s provider, so the summary counts answers without parsing props. */
  served_by: string | null;
  /** The event's props as JSON: the closed set `EVENT_PROPS` allows, nothing else. */
  props: string;
}

/** Bytes ever accepted per day: the flood cap, as a day file's size is for the JSONL store. */
export interface AnalyticsDaysTable {
  day: string;
  bytes: number;
}

type AnalyticsDatabase = Database & {
  analytics_events: AnalyticsEventsTable;
  analytics_days: AnalyticsDaysTable;
};

/** Rows per multi-row insert: 7 parameters each, far under both engines' limits. */
const INSERT_ROWS = 500;

/**
 * Analytics events in the database beside the knowledge base: with `DATABASE_URL` every replica
 * appends to, erases from and sums one PostgreSQL table, where each replica's `DATA_DIR` would
 * hold its own share of the JSONL files. The same contract as the JSONL store: appends are
 * grouped (one transaction per batch, all the events queued meanwhile), a day refuses events
 * once `maxDayBytes` of them were accepted (counted as the JSONL lines they would be, so both
 * stores cap alike; erasing does not reopen a day), retention deletes whole days.
 */
export class SqlAnalyticsStore implements AnalyticsStore {
  readonly #db: Kysely<AnalyticsDatabase>;
  readonly #maxDayBytes: number;
  #pending: AnalyticsRecord[] = [];
  #batch: Promise<Set<string>> | null = null;
  readonly #lane = new SerialLane();
  readonly #shares: DayShares;

  constructor(db: Kysely<Database>, options: { maxDayBytes?: number } = {}) {
    this.#db = db.withTables<{
      analytics_events: AnalyticsEventsTable;
      analytics_days: AnalyticsDaysTable;
    }>();
    this.#maxDayBytes = options.maxDayBytes ?? MAX_DAY_BYTES;
    this.#shares = new DayShares(this.#maxDayBytes);
  }

  append(record: AnalyticsRecord, source?: string): Promise<boolean> {
    const day = utcDay(record.ts);
    if (!this.#shares.take(day, source, lineBytes(record))) return Promise.resolve(false);
    this.#pending.push(record);
    this.#batch ??= this.#lane.run(() => this.#writeBatch());
    return this.#batch.then((refused) => !refused.has(day));
  }

  async erase(visitorId: string): Promise<number> {
    await this.#lane.drain();
    const result = await this.#db
      .deleteFrom('analytics_events')
      .where('visitor_id', '=', visitorId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async export(visitorId: string, limit: number): Promise<AnalyticsRecord[]> {
    await this.#lane.drain();
    const rows = await this.#db
      .selectFrom('analytics_events')
      .select(['ts', 'visitor_id', 'event', 'props'])
      .where('visitor_id', '=', visitorId)
      .orderBy('ts')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(
      (r) =>
        ({
          ts: r.ts,
          visitorId: r.visitor_id,
          event: r.event,
          props: JSON.parse(r.props),
        }) as AnalyticsRecord,
    );
  }

  sweep(cutoffDay: string): Promise<string[]> {
    return writeTransaction(this.#db, async (trx) => {
      const days = await trx
        .deleteFrom('analytics_days')
        .where('day', '<', cutoffDay)
        .returning('day')
        .execute();
      await trx.deleteFrom('analytics_events').where('day', '<', cutoffDay).execute();
      return days.map((d) => d.day).sort();
    });
  }

  async summary(): Promise<DaySummary[]> {
    await this.#lane.drain();
    const counts = await this.#db
      .selectFrom('analytics_events')
      .select(({ fn }) => ['day', 'event', 'served_by', fn.countAll<number>().as('n')])
      .groupBy(['day', 'event', 'served_by'])
      .execute();
    const visitors = await this.#db
      .selectFrom('analytics_events')
      .select(({ fn }) => ['day', fn.count<number>('visitor_id').distinct().as('n')])
      .groupBy('day')
      .execute();
    const days = new Map<string, DaySummary>();
    for (const row of counts) {
      const day = days.get(row.day) ?? emptyDay(row.day);
      days.set(row.day, day);
      countEvents(day, row.event as EventName, row.served_by as ServedBy | null, Number(row.n));
    }
    for (const row of visitors) {
      const day = days.get(row.day);
      if (day) day.visitors = Number(row.n);
    }
    return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  async close(): Promise<void> {
    await this.#lane.drain();
  }

  /** Stores every pending event in one transaction; resolves to the days refused (full). */
  async #writeBatch(): Promise<Set<string>> {
    const batch = this.#pending;
    this.#pending = [];
    this.#batch = null;
    const byDay = new Map<string, AnalyticsRecord[]>();
    for (const record of batch) {
      const day = utcDay(record.ts);
      byDay.set(day, [...(byDay.get(day) ?? []), record]);
    }
    return writeTransaction(this.#db, async (trx) => {
      const refused = new Set<string>();
      for (const [day, records] of byDay) {
        const bytes = records.reduce((n, r) => n + lineBytes(r), 0);
        // Takes the day's bytes only while they stay under the cap (the row is locked until
        // commit, so replicas appending at once cannot both take the last room).
        const taken =
          bytes <= this.#maxDayBytes &&
          (await trx
            .insertInto('analytics_days')
            .values({ day, bytes })
            .onConflict((c) =>
              c
                .column('day')
                .doUpdateSet((eb) => ({
                  bytes: eb('analytics_days.bytes', '+', eb.ref('excluded.bytes')),
                }))
                .where((eb) =>
                  eb(
                    eb('analytics_days.bytes', '+', eb.ref('excluded.bytes')),
                    '<=',
                    this.#maxDayBytes,
                  ),
                ),
            )
            .returning('day')
            .executeTakeFirst()) !== undefined;
        if (!taken) {
          refused.add(day);
          continue;
        }
        for (let start = 0; start < records.length; start += INSERT_ROWS) {
          await trx
            .insertInto('analytics_events')
            .values(
              records.slice(start, start + INSERT_ROWS).map((r) => ({
                day,
                ts: r.ts,
                visitor_id: r.visitorId,
                event: r.event,
                served_by: r.event === 'answer_shown' ? r.props.servedBy : null,
                props: JSON.stringify(r.props),
              })),
            )
            .execute();
        }
      }
      return refused;
    });
  }
}

/** An event's size as the JSONL store's line for it, so both stores cap alike. */
function lineBytes(record: AnalyticsRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}
