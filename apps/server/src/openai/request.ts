import { type ChatInput, chatInput, DomainError, describeInvalidInput } from '@bastion/api';
import { z } from 'zod';

/** The one model the façade offers: Bastion's guarded, grounded pipeline. */
export const MODEL_ID = 'bastion';

/** Caps of an OpenAI-style body: messages (system ones included) and text parts per message. */
export const MAX_REQUEST_MESSAGES = 200;
export const MAX_CONTENT_PARTS = 100;

/**
 * The most objects and arrays a valid body holds: the body, its messages array, and per message
 * its object, its parts array and its parts; the rest is slack for small options sent alongside.
 */
export const COMPLETION_JSON_SHAPE = {
  maxContainers: 2 + MAX_REQUEST_MESSAGES * (2 + MAX_CONTENT_PARTS) + 1_000,
  maxDepth: 32,
};

const textPart = z.object({ type: z.literal('text'), text: z.string() });

/** Log probabilities are never computed: asking for them is refused rather than answered without. */
const NO_LOGPROBS = 'log probabilities are not available';
/** Bastion never calls the caller's tools: only the choices that allow plain text are accepted. */
const NO_TOOL_CALLS = 'tools are never called: only "none" or "auto" is accepted';

/**
 * The part of OpenAI's chat-completions body Bastion reads. Options that only tune an answer
 * (temperature, max_tokens, user, seed, stop…) are accepted and ignored: the provider chain
 * decides them. Options whose meaning the caller relies on and Bastion cannot honour (several
 * choices, log probabilities, a forced tool call, a JSON answer) are refused, naming the option,
 * rather than answered with one plain choice as if they had been. `collection` and
 * `include_sources` are Bastion's own extra fields, which OpenAI SDKs pass through as extra body
 * parameters.
 */
const completionRequest = z.object({
  model: z.string().max(200),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(textPart).max(MAX_CONTENT_PARTS)]).nullish(),
      }),
    )
    .max(MAX_REQUEST_MESSAGES),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  collection: z.string().nullish(),
  include_sources: z.boolean().nullish(),
  n: z.literal(1, 'one choice is generated: n must be 1').nullish(),
  logprobs: z.literal(false, NO_LOGPROBS).nullish(),
  top_logprobs: z.literal(0, NO_LOGPROBS).nullish(),
  tool_choice: z.enum(['none', 'auto'], NO_TOOL_CALLS).nullish(),
  function_call: z.enum(['none', 'auto'], NO_TOOL_CALLS).nullish(),
  response_format: z
    .object({ type: z.literal('text', 'answers are text: only "text" is accepted') })
    .nullish(),
});

export interface CompletionRequest {
  input: ChatInput;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * Validates an OpenAI-style body into the chat input every other path uses (same caps). The
 * client's system and developer messages are not forwarded: Bastion's own system prompt governs,
 * and a caller-supplied one would be an instruction channel around the guardrails.
 */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  const parsed = completionRequest.safeParse(body);
  if (!parsed.success)
    throw new DomainError('invalid_input', describeInvalidInput(parsed.error.issues, 'body'));
  const request = parsed.data;
  if (request.model !== MODEL_ID) {
    throw new DomainError(
      'model_not_found',
      `The model "${request.model.slice(0, 60)}" does not exist; use "${MODEL_ID}"`,
    );
  }
  const messages = request.messages.flatMap((m) =>
    m.role === 'user' || m.role === 'assistant'
      ? [
          {
            role: m.role,
            content:
              typeof m.content === 'string'
                ? m.content
                : (m.content ?? []).map((part) => part.text).join(''),
          },
        ]
      : [],
  );
  const input = chatInput.safeParse({
    messages,
    ...(request.collection ? { collection: request.collection } : {}),
    ...(typeof request.include_sources === 'boolean'
      ? { includeSources: request.include_sources }
      : {}),
  });
  if (!input.success)
    throw new DomainError('invalid_input', describeInvalidInput(input.error.issues, 'body'));
  return {
    input: input.data,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
  };
}
