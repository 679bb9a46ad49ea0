import { redactSecrets } from '@bastion/guardrails';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ChatCompletion, ChatEvent } from '../chat/types.ts';
import { withBusyRetry } from '../db/retry.ts';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { FEEDBACK_TOKEN, FeedbackTokens } from './token.ts';

export const NOTE_MAX_CHARS = 1_000;

/**
 * An answer's meta event or completion with its feedback token added. Chat calls it where the
 * answer goes to its starter (a stream only its owner may view, or the caller's own completion).
 */
export function withFeedbackToken<A extends ChatEvent | ChatCompletion>(
  feedback: Feedback | undefined,
  answer: A,
): A {
  if (!feedback || !('requestId' in answer)) return answer;
  return { ...answer, feedbackToken: feedback.tokenFor(answer.requestId) };
}

export type Rating = 'up' | 'down';

/**
 * The `feedback` table (migration 0004). Its key is (answer, visitor), but `submit` keeps one row
 * per answer: only the answer's starter holds its token, so a second row could only be a vote
 * counted twice.
 */
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
    /** The answer's `feedbackToken` (its `meta` event, or `chat.complete`'s reply). */
    token: z.string().regex(FEEDBACK_TOKEN, 'must be the feedback token sent with the answer'),
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
 * 👍/👎 on answers, in the knowledge base's database. Only for an answer the caller was given
 * (its feedback token proves it), one rating per answer: a second submission replaces the first
 * (the page's buttons toggle), so counts never double and invented ids or visitor ids add
 * nothing. Notes are capped and have secrets redacted; no message content is stored.
 */
export class Feedback {
  readonly #db: Kysely<Database & { feedback: FeedbackTable }>;
  readonly #submitted: Counter<'rating'>;
  readonly #tokens: FeedbackTokens;

  constructor(db: Kysely<Database>, registry: Registry, tokens = new FeedbackTokens()) {
    this.#db = db.withTables<{ feedback: FeedbackTable }>();
    this.#tokens = tokens;
    this.#submitted = new Counter({
      name: 'bastion_feedback_total',
      help: 'Feedback submitted on answers, by rating (a changed rating counts again)',
      labelNames: ['rating'] as const,
      registers: [registry],
    });
  }

  /** The token to hand out with answer `requestId` (to its starter only). */
  tokenFor(requestId: string): string {
    return this.#tokens.issue(requestId);
  }

  /**
   * Stores (or replaces) the rating of the answer; true when it replaced one. Refused without
   * the answer's valid token (`feedback_not_allowed`) or after it expired (`feedback_expired`).
   */
  async submit(input: FeedbackInput, visitor: string, now = Date.now()): Promise<boolean> {
    const check = await this.#tokens.check(input.token, input.requestId, now);
    if (check === 'expired') {
      throw new DomainError('feedback_expired', 'This answer can no longer be rated');
    }
    if (check !== 'ok') {
      throw new DomainError('feedback_not_allowed', 'Feedback is only taken on your own answers');
    }
    const note = input.note ? redactSecrets(input.note).text : null;
    const replaced = await withBusyRetry(() =>
      this.#db.transaction().execute(async (trx) => {
        // A rating filed under another visitor id (the page's id changed) is this one's: replace it.
        const moved = await trx
          .deleteFrom('feedback')
          .where('request_id', '=', input.requestId)
          .where('visitor', '!=', visitor)
          .executeTakeFirst();
        const previous = await trx
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
        return Number(moved.numDeletedRows) > 0 || Number(previous.created_at) !== now;
      }),
    );
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
