import { z } from 'zod';
import { collectionId } from '../rag/collections.ts';

export const MAX_MESSAGES = 50;
export const MAX_MESSAGE_CHARS = 16_000;
export const MAX_CONVERSATION_CHARS = 64_000;

const message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z
    .string()
    .max(MAX_MESSAGE_CHARS, `a message is at most ${MAX_MESSAGE_CHARS} characters`),
});

export const chatInput = z.object({
  messages: z
    .array(message)
    .min(1, 'at least one message')
    .max(MAX_MESSAGES, `at most ${MAX_MESSAGES} messages`)
    .refine((m) => m.at(-1)?.role === 'user', 'the last message must be from the user')
    .refine((m) => (m.at(-1)?.content.trim().length ?? 0) > 0, 'the question is empty')
    .refine(
      (m) => m.reduce((n, x) => n + x.content.length, 0) <= MAX_CONVERSATION_CHARS,
      `the conversation is at most ${MAX_CONVERSATION_CHARS} characters`,
    ),
  collection: collectionId.optional(),
  includeSources: z.boolean().optional(),
});

/** A viewer names the run and, when resuming, the last event it saw: never the conversation. */
export const streamInput = z.object({
  requestId: z.string().uuid(),
  lastEventId: z.string().max(200).nullish(),
});

export type ChatInput = z.infer<typeof chatInput>;
export type StreamInput = z.infer<typeof streamInput>;
