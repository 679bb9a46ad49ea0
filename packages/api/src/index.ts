import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.ts';

export * from './analytics/index.ts';
export {
  allowedCollections,
  assertCollectionAllowed,
  collectionAllowed,
} from './auth/collections.ts';
export type { ChatConfig } from './chat/config.ts';
export { type Chat, createChat } from './chat/create-chat.ts';
export { type ChatInput, chatInput, MAX_MESSAGES } from './chat/input.ts';
export type { ChatLimiter, ChatLimits } from './chat/limits.ts';
export type { LlmPath, LlmStatus } from './chat/llm-status.ts';
export { DEFAULT_SYSTEM_PROMPT } from './chat/prompt.ts';
export type {
  ChatCompletion,
  ChatEvent,
  GuardrailsReport,
  ServedBy,
  Source,
  Usage,
} from './chat/types.ts';
export type { Actor, ApiDeps, BuildInfo, Context } from './context.ts';
export {
  apiError,
  DomainError,
  describeInvalidInput,
  httpStatusOf,
  isDomainError,
  openAIErrorBody,
  type Reason,
  reasonOf,
  retryAfterMsOf,
  trpcErrorBody,
} from './errors.ts';
export {
  Feedback,
  type FeedbackEntry,
  type FeedbackTotals,
  NOTE_MAX_CHARS,
} from './feedback/feedback.ts';
export { feedbackTokens } from './feedback/token.ts';
export * from './rag/index.ts';
export type { Passage, RetrieveOptions, Retriever } from './rag/retriever.ts';
export { type AppRouter, appRouter, createCaller } from './root.ts';
export * from './shared-state/index.ts';
export { type StatusSummary, statusSummary } from './status/summary.ts';
export { DatabaseUnavailableError } from './storage/postgres.ts';
export * from './tools/index.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
