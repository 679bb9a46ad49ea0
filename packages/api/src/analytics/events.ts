import { z } from 'zod';
import type { ServedBy } from '../chat/types.ts';
import { collectionId } from '../rag/collections.ts';

/**
 * The fixed set of anonymous events the page may send, each with a small, closed set of props.
 * Props are counts, enums and short codes only: nothing a visitor typed, no URL query, no text
 * from answers, so a stored event can never carry message content or a secret.
 */

const SERVED_BY: { [K in ServedBy]: K } = {
  primary: 'primary',
  fallback: 'fallback',
  extractive: 'extractive',
  guardrails: 'guardrails',
};

/** A random UUID the page made for itself (crypto.randomUUID); it identifies no one else. */
export const visitorIdSchema = z.uuid({ error: 'must be a UUID' }).toLowerCase();

const count = (max: number) => z.number().int().min(0).max(max);
const code = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lowercase code like server_busy');

/** Props per event; `.strict()` refuses unknown keys, so nothing extra is ever stored. */
export const EVENT_PROPS = {
  /** The page's path only (no query or fragment), e.g. `/`. */
  page_view: z
    .object({ path: z.string().regex(/^\/[A-Za-z0-9/_.-]{0,127}$/, 'must be a plain path') })
    .strict(),
  question_asked: z
    .object({
      chars: count(100_000),
      /** Earlier messages sent with the question. */
      history: count(1_000),
      collection: collectionId.optional(),
    })
    .strict(),
  answer_shown: z
    .object({
      servedBy: z.enum(SERVED_BY),
      grounded: z.boolean(),
      sources: count(100),
      firstTokenMs: count(3_600_000).optional(),
      totalMs: count(3_600_000).optional(),
    })
    .strict(),
  /** 1-based position of the source in the answer's list. */
  source_opened: z.object({ rank: z.number().int().min(1).max(100) }).strict(),
  feedback_given: z.object({ rating: z.enum(['up', 'down']) }).strict(),
  /** The error's stable `data.reason` (or `offline`, `network`…). */
  error_shown: z.object({ reason: code }).strict(),
} as const;

export type EventName = keyof typeof EVENT_PROPS;
export const EVENT_NAMES = Object.keys(EVENT_PROPS) as EventName[];

/** What `analytics.track` accepts: one event of the fixed set with that event's props. */
export const trackInput = z.discriminatedUnion('event', [
  trackVariant('page_view'),
  trackVariant('question_asked'),
  trackVariant('answer_shown'),
  trackVariant('source_opened'),
  trackVariant('feedback_given'),
  trackVariant('error_shown'),
]);

function trackVariant<E extends EventName>(event: E) {
  return z
    .object({ visitorId: visitorIdSchema, event: z.literal(event), props: EVENT_PROPS[event] })
    .strict();
}

export type TrackInput = z.infer<typeof trackInput>;

/** One stored line: the event, its props and when it arrived (no IP, no user agent). */
export type AnalyticsRecord = TrackInput & { ts: string };
