import { TRPCClientError } from '@trpc/client';
import type { Reason, ReasonedErrorData } from '../errors.ts';

/**
 * What an HTTP refusal that carries no reason (one from a proxy, or from the server's router
 * before tRPC) means. Gateway errors are absent: they say that the server behind the proxy was
 * not reached, which is `network_error`.
 */
const STATUS_REASONS: Partial<Record<number, Reason>> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  404: 'not_found',
  405: 'method_not_supported',
  413: 'payload_too_large',
  414: 'invalid_input',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'invalid_input',
  500: 'internal',
};

/** A failed call as the client reports it: a reason, or null when no answer came. */
export interface CallFailure {
  reason: Reason | null;
  retryable: boolean;
  retryAfterMs?: number;
}

export function failureOf(error: unknown): CallFailure {
  if (!(error instanceof TRPCClientError)) return { reason: null, retryable: true };
  const data = error.data as Partial<ReasonedErrorData> | undefined;
  if (typeof data?.reason === 'string') {
    return {
      reason: data.reason,
      retryable: data.retryable ?? false,
      ...(data.retryAfterMs !== undefined ? { retryAfterMs: data.retryAfterMs } : {}),
    };
  }
  const status = (error.meta?.response as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number') return { reason: null, retryable: true };
  return { reason: STATUS_REASONS[status] ?? null, retryable: status === 429 || status >= 500 };
}

/**
 * Why a call failed: the server's stable `data.reason`, else what the HTTP status of its answer
 * means; null when no answer came (the server was not reached).
 */
export function errorReason(error: unknown): Reason | null {
  return failureOf(error).reason;
}
