import type { ChatEvent, GuardrailsReport, ServedBy, Source } from '../chat/types.ts';
import type { BastionClient } from './index.ts';

export interface ChatRequest {
  messages: { role: 'user' | 'assistant'; content: string }[];
  collection?: string;
  includeSources?: boolean;
}

export interface ChatOutcome {
  requestId: string | null;
  servedBy: ServedBy | null;
  model: string | null;
  content: string;
  grounded: boolean;
  sources: Source[];
  guardrails: GuardrailsReport | null;
  finishReason: string | null;
  error: { code: string; message: string; retryable: boolean; retryAfterMs?: number } | null;
  /** True when the stream produced no text and the answer came from one `chat.complete`. */
  completedByFallback: boolean;
  aborted: boolean;
}

export interface StreamChatOptions {
  signal?: AbortSignal;
  /** Every event as it arrives (synthesised from `chat.complete` in the zero-token fallback). */
  onEvent?: (event: ChatEvent) => void;
  /** How long a dropped stream may try to resume before giving up (default 15 s). */
  reconnectTimeoutMs?: number;
}

function emptyOutcome(): ChatOutcome {
  return {
    requestId: null,
    servedBy: null,
    model: null,
    content: '',
    grounded: false,
    sources: [],
    guardrails: null,
    finishReason: null,
    error: null,
    completedByFallback: false,
    aborted: false,
  };
}

function apply(outcome: ChatOutcome, event: ChatEvent): void {
  if (event.type === 'meta') {
    Object.assign(outcome, {
      requestId: event.requestId,
      servedBy: event.servedBy,
      model: event.model,
      grounded: event.grounded,
      sources: event.sources,
      guardrails: event.guardrails,
    });
  } else if (event.type === 'delta') outcome.content += event.text;
  else if (event.type === 'done') {
    outcome.servedBy = event.servedBy;
    outcome.finishReason = event.finishReason;
  } else outcome.error = { ...event };
}

function errorOf(error: unknown): NonNullable<ChatOutcome['error']> {
  const data = (error as { data?: { reason?: string; httpStatus?: number } }).data;
  const code = data?.reason ?? 'network_error';
  return {
    code,
    message:
      code === 'network_error'
        ? 'Cannot reach the Bastion server'
        : (error as Error).message || 'The request failed',
    retryable:
      code === 'network_error' || code === 'rate_limited' || (data?.httpStatus ?? 500) >= 500,
  };
}

/**
 * Streams one answer. Aborting cancels it on the server at once. A stream that ends with no text
 * is followed by exactly one `chat.complete`, so the caller always ends with one answer.
 */
export function streamChat(
  client: BastionClient,
  request: ChatRequest,
  options: StreamChatOptions = {},
): Promise<ChatOutcome> {
  const outcome = emptyOutcome();
  const emit = (event: ChatEvent) => {
    apply(outcome, event);
    options.onEvent?.(event);
  };

  const streamed = new Promise<void>((resolve) => {
    if (options.signal?.aborted) {
      outcome.aborted = true;
      resolve();
      return;
    }
    let received = false;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    const subscription = client.chat.stream.subscribe(request, {
      onData: ({ data }) => {
        received = true;
        clearTimeout(reconnectTimer);
        reconnectTimer = undefined;
        emit(data);
        if (data.type === 'done' || data.type === 'error') finish();
      },
      onError: (error) => {
        outcome.error = errorOf(error);
        finish();
      },
      onComplete: () => finish(),
      // EventSource retries forever: give up at once if we never connected, and after a while
      // if a connection that was streaming cannot be resumed.
      onConnectionStateChange: (state) => {
        if (state.state !== 'connecting' || !state.error) return;
        if (!received) {
          outcome.error = errorOf(state.error);
          finish();
        } else {
          reconnectTimer ??= setTimeout(() => {
            outcome.error = errorOf(state.error);
            finish();
          }, options.reconnectTimeoutMs ?? 15_000);
        }
      },
    });
    const onAbort = () => {
      outcome.aborted = true;
      if (outcome.requestId) {
        void client.chat.cancel.mutate({ requestId: outcome.requestId }).catch(() => undefined);
      }
      finish();
    };
    function finish() {
      clearTimeout(reconnectTimer);
      options.signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      resolve();
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });

  return streamed.then(async () => {
    if (outcome.aborted || outcome.content.length > 0) return outcome;
    try {
      const answer = await client.chat.complete.mutate(request, { signal: options.signal });
      const { content, finishReason, usage, timings, ...meta } = answer;
      outcome.error = null;
      outcome.completedByFallback = true;
      emit({ type: 'meta', ...meta });
      emit({ type: 'delta', text: content });
      emit({
        type: 'done',
        servedBy: answer.servedBy,
        finishReason,
        timings,
        ...(usage ? { usage } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) outcome.aborted = true;
      else outcome.error ??= errorOf(error);
    }
    return outcome;
  });
}
