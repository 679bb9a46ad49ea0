import type { ChatEvent, GuardrailsReport, ServedBy, Source } from '../chat/types.ts';
import type { Reason } from '../errors.ts';
import { failureOf } from './errors.ts';
import type { BastionClient } from './index.ts';

export interface ChatRequest {
  messages: { role: 'user' | 'assistant'; content: string }[];
  collection?: string | undefined;
  includeSources?: boolean | undefined;
}

/** Why an answer failed: a server reason, or `network_error` when the server was not reached. */
export interface ChatError {
  code: Reason;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
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
  error: ChatError | null;
  /** True when the stream ended `done` with no text and the answer came from one `chat.complete`. */
  completedByFallback: boolean;
  /** For `feedback.submit` on this answer (with `requestId`); null when the server sent none. */
  feedbackToken: string | null;
  aborted: boolean;
}

export interface StreamChatOptions {
  signal?: AbortSignal | undefined;
  /** Every event as it arrives (synthesised from `chat.complete` in the zero-token fallback). */
  onEvent?: ((event: ChatEvent) => void) | undefined;
  /**
   * The run's id, as soon as the server has started it (before any event): what a page that is
   * going away needs to cancel it.
   */
  onStarted?: ((requestId: string) => void) | undefined;
  /** How long a dropped stream may try to resume before giving up (default 15 s). */
  reconnectTimeoutMs?: number | undefined;
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
    feedbackToken: null,
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
      feedbackToken: event.feedbackToken ?? null,
    });
  } else if (event.type === 'delta') outcome.content += event.text;
  else if (event.type === 'done') {
    outcome.servedBy = event.servedBy;
    outcome.finishReason = event.finishReason;
  } else {
    const { type: _error, ...error } = event;
    outcome.error = error;
  }
}

function errorOf(error: unknown): ChatError {
  const { reason, ...rest } = failureOf(error);
  if (!reason) {
    return { code: 'network_error', message: 'Cannot reach the Bastion server', retryable: true };
  }
  return { code: reason, message: (error as Error).message || 'The request failed', ...rest };
}

/** Follows a started run until it ends, resuming from the last event id after a dropped connection. */
function follow(
  client: BastionClient,
  requestId: string,
  outcome: ChatOutcome,
  emit: (event: ChatEvent) => void,
  options: StreamChatOptions,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let received = false;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    // The link resends the last tracked id as `lastEventId` when EventSource reconnects.
    const subscription = client.chat.stream.subscribe(
      { requestId },
      {
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
      },
    );
    const onAbort = () => {
      outcome.aborted = true;
      void client.chat.cancel.mutate({ requestId }).catch(() => undefined);
      finish();
    };
    function finish() {
      clearTimeout(reconnectTimer);
      options.signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      resolve();
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Streams one answer: `chat.start` (the conversation travels in a POST body), then `chat.stream`
 * for its events. Aborting cancels it on the server at once. A stream that ended `done` without
 * any text is followed by exactly one `chat.complete`; an error never is (it would be refused or
 * blocked again, and a second model call costs).
 */
export async function streamChat(
  client: BastionClient,
  request: ChatRequest,
  options: StreamChatOptions = {},
): Promise<ChatOutcome> {
  const outcome = emptyOutcome();
  const emit = (event: ChatEvent) => {
    apply(outcome, event);
    options.onEvent?.(event);
  };
  if (options.signal?.aborted) {
    outcome.aborted = true;
    return outcome;
  }
  try {
    const { requestId } = await client.chat.start.mutate(request, { signal: options.signal });
    outcome.requestId = requestId;
    options.onStarted?.(requestId);
  } catch (error) {
    if (options.signal?.aborted) outcome.aborted = true;
    else outcome.error = errorOf(error);
    return outcome;
  }
  await follow(client, outcome.requestId, outcome, emit, options);
  if (outcome.aborted || outcome.error || outcome.finishReason === null || outcome.content) {
    return outcome;
  }
  try {
    const answer = await client.chat.complete.mutate(request, { signal: options.signal });
    const { content, finishReason, usage, timings, ...meta } = answer;
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
    else outcome.error = errorOf(error);
  }
  return outcome;
}
