import { redactSecrets } from '@bastion/guardrails';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { withBusyRetry } from '../db/retry.ts';
import type { Database } from '../db/schema.ts';

export const NOTE_MAX_CHARS = 1_000;

export type Rating = 'up' | 'down';

/** The `feedback` table (migration 0004): one row per answer and visitor. */
interface FeedbackTable {
  request_id: string;
  /** The page's anonymous visitor ID, `key:<id>` for a keyed caller, or `anonymous`. */
  visitor: string;
  rating: Rating;
  note: string | null;
  created_at: number;
  updated_at: number;
}

export const feedbackInput = z
  .object({
    /** The `requestId` of the answer (from `chat.start` or the `meta` event). */
    requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be a request id'),
    rating: z.enum(['up', 'down']),
    note: z.string().trim().max(NOTE_MAX_CHARS).optional(),
    /** The page's anonymous visitor ID, so analytics erasure removes the visitor's feedback too. */
    visitorId: z.uuid({ error: 'must be a UUID' }).toLowerCase().optional(),
  })
  .strict();

export type FeedbackInput = z.infer<typeof feedbackInput>;

export interface FeedbackEntry {
  requestId: string;
  rating: Rating;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FeedbackTotals {
  up: number;
  down: number;
  /** Share of 👍 among all ratings, or null before the first one. */
  ratio: number | null;
}

/**
 * 👍/👎 on answers, in SQLite beside the knowledge base. One rating per answer and visitor: a
 * second submission replaces the first (the page's buttons toggle), so counts never double.
 * Notes are capped and have secrets redacted; no message content is stored.
 */
export class Feedback {
  readonly #db: Kysely<Database & { feedback: FeedbackTable }>;
  readonly #submitted: Counter<'rating'>;

  constructor(db: Kysely<Database>, registry: Registry) {
    this.#db = db.withTables<{ feedback: FeedbackTable }>();
    this.#submitted = new Counter({
      name: 'bastion_feedback_total',
      help: 'Feedback submitted on answers, by rating (a changed rating counts again)',
      labelNames: ['rating'] as const,
      registers: [registry],
    });
  }

  /** Stores (or replaces) this visitor's rating of the answer; true when it replaced one. */
  async submit(input: FeedbackInput, visitor: string, now = Date.now()): Promise<boolean> {
    const note = input.note ? redactSecrets(input.note).text : null;
    const replaced = await withBusyRetry(async () => {
      const previous = await this.#db
        .insertInto('feedback')
        .values({
          request_id: input.requestId,
          visitor,
          rating: input.rating,
          note,
          created_at: now,
          updated_at: now,
        })
        .onConflict((c) =>
          c.columns(['request_id', 'visitor']).doUpdateSet({
            rating: input.rating,
            note,
            updated_at: now,
          }),
        )
        .returning(['created_at'])
        .executeTakeFirstOrThrow();
      // Number(): PostgreSQL returns its bigint columns as strings.
      return Number(previous.created_at) !== now;
    });
    this.#submitted.inc({ rating: input.rating });
    return replaced;
  }

  /** Removes every rating of this visitor; resolves to how many. */
  async eraseVisitor(visitorId: string): Promise<number> {
    const result = await withBusyRetry(() =>
      this.#db.deleteFrom('feedback').where('visitor', '=', visitorId).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }

  /** This visitor's ratings, oldest first. */
  async exportVisitor(visitorId: string): Promise<FeedbackEntry[]> {
    const rows = await this.#db
      .selectFrom('feedback')
      .select(['request_id', 'rating', 'note', 'created_at', 'updated_at'])
      .where('visitor', '=', visitorId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      requestId: r.request_id,
      rating: r.rating,
      note: r.note,
      createdAt: new Date(Number(r.created_at)).toISOString(),
      updatedAt: new Date(Number(r.updated_at)).toISOString(),
    }));
  }

  async totals(): Promise<FeedbackTotals> {
    const rows = await this.#db
      .selectFrom('feedback')
      .select((eb) => ['rating', eb.fn.countAll<number>().as('n')])
      .groupBy('rating')
      .execute();
    const up = Number(rows.find((r) => r.rating === 'up')?.n ?? 0);
    const down = Number(rows.find((r) => r.rating === 'down')?.n ?? 0);
    return { up, down, ratio: up + down === 0 ? null : up / (up + down) };
  }
}
