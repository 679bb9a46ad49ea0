import type { ChatCompletion, ChatEvent, Usage } from '@bastion/api';
import { MODEL_ID } from './request.ts';

type Meta = Extract<ChatEvent, { type: 'meta' }>;
type Done = Extract<ChatEvent, { type: 'done' }>;

/** OpenAI's finish reasons; a guardrails refusal reads as a content filter. */
export function finishReason(reason: string): 'stop' | 'length' | 'content_filter' {
  if (reason === 'length') return 'length';
  return reason === 'guardrails' ? 'content_filter' : 'stop';
}

function usageOf(usage: Usage | undefined) {
  const prompt = usage?.promptTokens ?? 0;
  const completion = usage?.completionTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Grounding metadata in a field of its own: OpenAI clients ignore it, Bastion-aware ones read it. */
function grounding(meta: Omit<Meta, 'type'>) {
  return {
    requestId: meta.requestId,
    servedBy: meta.servedBy,
    model: meta.model,
    grounded: meta.grounded,
    sources: meta.sources,
    guardrails: meta.guardrails,
  };
}

/** The non-streaming body (`chat.completion`). */
export function completionBody(answer: ChatCompletion, created: number) {
  return {
    id: `chatcmpl-${answer.requestId}`,
    object: 'chat.completion',
    created,
    model: MODEL_ID,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, refusal: null },
        logprobs: null,
        finish_reason: finishReason(answer.finishReason),
      },
    ],
    usage: usageOf(answer.usage),
    bastion: { ...grounding(answer), timings: answer.timings },
  };
}

/**
 * Turns one answer's events into OpenAI `chat.completion.chunk` frames: the role (with the
 * grounding metadata) first, each delta as content, the finish reason (with `servedBy` and
 * timings), usage when asked for, then `[DONE]`. A failure after text is one `error` frame.
 */
export class ChunkWriter {
  private readonly base: { id: string; object: string; created: number; model: string };
  private readonly includeUsage: boolean;

  constructor(requestId: string, created: number, includeUsage: boolean) {
    this.base = {
      id: `chatcmpl-${requestId}`,
      object: 'chat.completion.chunk',
      created,
      model: MODEL_ID,
    };
    this.includeUsage = includeUsage;
  }

  frames(event: ChatEvent): string {
    switch (event.type) {
      case 'meta':
        return this.frame(
          [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
          { bastion: grounding(event) },
        );
      case 'delta':
        return this.frame([{ index: 0, delta: { content: event.text }, finish_reason: null }]);
      case 'done':
        return this.done(event);
      case 'error':
        return `data: ${JSON.stringify({
          error: { message: event.message, type: 'server_error', param: null, code: event.code },
        })}\n\n`;
    }
  }

  private done(event: Done): string {
    const finish = this.frame(
      [{ index: 0, delta: {}, finish_reason: finishReason(event.finishReason) }],
      { bastion: { servedBy: event.servedBy, timings: event.timings } },
    );
    const usage = this.includeUsage ? this.frame([], { usage: usageOf(event.usage) }) : '';
    return `${finish}${usage}data: [DONE]\n\n`;
  }

  private frame(choices: unknown[], extra: Record<string, unknown> = {}): string {
    return `data: ${JSON.stringify({ ...this.base, choices, ...extra })}\n\n`;
  }
}
