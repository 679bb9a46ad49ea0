import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export type FailureReason =
  | 'disabled'
  | 'model_missing'
  | 'http_4xx'
  | 'rate_limited'
  | 'http_5xx'
  | 'timeout'
  | 'connect_error'
  | 'stream_error';

/** A provider failed in a way the chain understands. */
export class ProviderError extends Error {
  readonly reason: FailureReason;
  readonly status: number | null;
  readonly retryAfterMs: number | undefined;
  constructor(
    reason: FailureReason,
    message: string,
    status: number | null = null,
    retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
    this.reason = reason;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The caller went away; not a provider failure. */
export class ProviderAborted extends Error {
  constructor() {
    super('aborted by the client');
    this.name = 'ProviderAborted';
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after-ms') ?? null;
  if (value && Number.isFinite(Number(value))) return Number(value);
  const seconds = headers?.get('retry-after');
  if (!seconds) return undefined;
  if (Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  const date = Date.parse(seconds);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Maps whatever an SDK call threw onto a failure reason. `afterHeaders` tells a broken stream
 * (the server answered, then failed) from a failed connection.
 */
export function classifyFailure(error: unknown, afterHeaders: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('timeout', 'timed out');
  if (error instanceof APIUserAbortError) return new ProviderError('timeout', 'request aborted');
  if (error instanceof APIConnectionError) {
    return afterHeaders
      ? new ProviderError('stream_error', 'the stream broke')
      : new ProviderError('connect_error', 'could not connect');
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    if (status === 429) {
      return new ProviderError('rate_limited', 'rate limited', status, retryAfterMs(error.headers));
    }
    if (status === 404 && /model/i.test(error.message)) {
      return new ProviderError('model_missing', 'model not found', status);
    }
    if (status >= 500) return new ProviderError('http_5xx', `upstream ${status}`, status);
    return new ProviderError('http_4xx', `upstream ${status}`, status);
  }
  return new ProviderError(afterHeaders ? 'stream_error' : 'connect_error', 'upstream failed');
}
