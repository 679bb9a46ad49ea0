import OpenAI from 'openai';
import type { ProviderName, Usage } from '../types.ts';
import { completionChunks } from './completion-chunks.ts';
import { classifyFailure, ProviderAborted, ProviderError } from './failure.ts';
import { createHttpFetch } from './http-fetch.ts';
import type { Provider, ProviderChunk, ProviderRequest, ProviderTimeouts } from './types.ts';

export interface OpenAICompatibleOptions {
  name: ProviderName;
  baseURL: string;
  model: string;
  apiKey: string | null;
  timeouts: ProviderTimeouts;
  fetch?: typeof globalThis.fetch;
}

type Phase = 'connect' | 'first token' | 'idle';

/** Any OpenAI-compatible chat server (Ollama, OpenAI, vLLM…), through the official SDK. */
export class OpenAICompatibleProvider implements Provider {
  readonly name: ProviderName;
  readonly model: string;
  readonly baseURL: string;
  private readonly client: OpenAI;
  private readonly timeouts: ProviderTimeouts;

  constructor(options: OpenAICompatibleOptions) {
    this.name = options.name;
    this.model = options.model;
    this.baseURL = options.baseURL;
    this.timeouts = options.timeouts;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      // Local servers such as Ollama need no key, but the SDK insists on one.
      apiKey: options.apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: options.timeouts.totalMs,
      // The default transport writes a request on the tick it is made (see createHttpFetch).
      fetch: options.fetch ?? createHttpFetch(),
    });
  }

  /** The ids of the models the server offers (used for warm-up and status). */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const page = await this.client.models.list({ signal, timeout: this.timeouts.connectMs });
    return page.data.map((m) => m.id);
  }

  async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
    const controller = new AbortController();
    let timedOut: Phase | 'total' | null = null;
    const expire = (phase: Phase | 'total') => {
      timedOut = phase;
      controller.abort();
    };
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const total = setTimeout(() => expire('total'), this.timeouts.totalMs);
    let phaseTimer = setTimeout(() => expire('connect'), this.timeouts.connectMs);
    const startedAt = Date.now();
    const arm = (phase: Phase, ms: number) => {
      clearTimeout(phaseTimer);
      phaseTimer = setTimeout(() => expire(phase), Math.max(0, ms));
    };
    // One timer for the idle deadline, re-armed only when it fires early: no per-token timer churn.
    let lastChunkAt = 0;
    const armIdle = () => {
      clearTimeout(phaseTimer);
      const check = () => {
        const quiet = Date.now() - lastChunkAt;
        if (quiet >= this.timeouts.idleMs) expire('idle');
        else phaseTimer = setTimeout(check, this.timeouts.idleMs - quiet);
      };
      phaseTimer = setTimeout(check, this.timeouts.idleMs);
    };

    let afterHeaders = false;
    let sawContent = false;
    // The body was read to its end: nothing upstream is left to close.
    let drained = false;
    try {
      // The SDK makes the request (base URL, key, typed HTTP errors); the body is decoded by
      // `completionChunks`, because the SDK's per-chunk decoding alone costs more than relaying.
      const response = await this.client.chat.completions
        .create(
          {
            model: this.model,
            messages: request.messages,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: controller.signal },
        )
        .asResponse();
      afterHeaders = true;
      arm('first token', this.timeouts.firstTokenMs - (Date.now() - startedAt));

      let finishReason: string | null = null;
      let usage: Usage | undefined;
      if (!response.body) throw new ProviderError('stream_error', 'the provider sent no body');
      for await (const chunks of completionChunks(response.body)) {
        let text = '';
        for (const chunk of chunks) {
          const choice = chunk.choices?.[0];
          if (choice?.delta?.content) text += choice.delta.content;
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) {
            usage = {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
            };
          }
        }
        lastChunkAt = Date.now();
        if (text) {
          if (!sawContent) armIdle();
          sawContent = true;
          yield { type: 'delta', text };
        }
      }
      drained = true;
      // A body can end quietly on abort and on some broken connections: an answer is complete
      // only when the server said why it finished.
      if (timedOut) throw new ProviderError('timeout', `no ${timedOut} within its deadline`);
      if (signal.aborted) throw new ProviderAborted();
      if (!finishReason)
        throw new ProviderError('stream_error', 'the stream ended without finishing');
      yield { type: 'finish', finishReason, ...(usage ? { usage } : {}) };
    } catch (error) {
      if (signal.aborted) throw new ProviderAborted();
      if (timedOut) throw new ProviderError('timeout', `no ${timedOut} within its deadline`);
      throw classifyFailure(error, afterHeaders);
    } finally {
      clearTimeout(total);
      clearTimeout(phaseTimer);
      signal.removeEventListener('abort', onAbort);
      // Leaving the loop early (consumer stopped, or a failure) must close the upstream request
      // too. A body read to its end needs nothing: aborting it anyway costs an abort event and a
      // DOMException with its stack (about 0.2 ms), often between a short answer's first token
      // and its viewer.
      if (!drained) controller.abort();
    }
  }
}
