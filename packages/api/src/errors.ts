import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

type TRPCErrorCode = TRPCError['code'];

/**
 * Every stable reason the API gives, with the tRPC code it travels under (which decides the HTTP
 * status for tRPC and for the OpenAI-compatible routes alike) and whether retrying the same call
 * later may succeed. To add a reason, add a line here: nothing else maps reasons.
 */
const REASONS = {
  // Requests
  invalid_input: { code: 'BAD_REQUEST', retryable: false },
  not_found: { code: 'NOT_FOUND', retryable: false },
  method_not_supported: { code: 'METHOD_NOT_SUPPORTED', retryable: false },
  payload_too_large: { code: 'PAYLOAD_TOO_LARGE', retryable: false },
  internal: { code: 'INTERNAL_SERVER_ERROR', retryable: true },
  // Keys, roles, origins
  unauthenticated: { code: 'UNAUTHORIZED', retryable: false },
  invalid_api_key: { code: 'UNAUTHORIZED', retryable: false },
  admin_required: { code: 'FORBIDDEN', retryable: false },
  admin_disabled: { code: 'FORBIDDEN', retryable: false },
  collection_forbidden: { code: 'FORBIDDEN', retryable: false },
  // Requests a browser may be tricked into sending (the host's origin and media-type guards)
  origin_not_allowed: { code: 'FORBIDDEN', retryable: false },
  cross_site_request: { code: 'FORBIDDEN', retryable: false },
  unsupported_media_type: { code: 'UNSUPPORTED_MEDIA_TYPE', retryable: false },
  // Limits
  rate_limited: { code: 'TOO_MANY_REQUESTS', retryable: true },
  too_many_answers: { code: 'TOO_MANY_REQUESTS', retryable: true },
  too_many_streams: { code: 'TOO_MANY_REQUESTS', retryable: true },
  server_busy: { code: 'TOO_MANY_REQUESTS', retryable: true },
  // Chat
  run_not_found: { code: 'NOT_FOUND', retryable: false },
  model_not_found: { code: 'NOT_FOUND', retryable: false },
  resume_expired: { code: 'NOT_FOUND', retryable: false },
  no_provider: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  output_blocked: { code: 'UNPROCESSABLE_CONTENT', retryable: false },
  aborted: { code: 'CLIENT_CLOSED_REQUEST', retryable: true },
  stream_error: { code: 'BAD_GATEWAY', retryable: true },
  timeout: { code: 'TIMEOUT', retryable: true },
  http_4xx: { code: 'BAD_GATEWAY', retryable: true },
  http_5xx: { code: 'BAD_GATEWAY', retryable: true },
  connect_error: { code: 'BAD_GATEWAY', retryable: true },
  model_missing: { code: 'BAD_GATEWAY', retryable: true },
  disabled: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  /** Raised by the typed client itself when the server cannot be reached. */
  network_error: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  // Knowledge base
  rag_unavailable: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  invalid_collection: { code: 'BAD_REQUEST', retryable: false },
  collection_not_found: { code: 'NOT_FOUND', retryable: false },
  document_not_found: { code: 'NOT_FOUND', retryable: false },
  storage_busy: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  embeddings_failed: { code: 'BAD_GATEWAY', retryable: true },
  // Tools
  unknown_tool: { code: 'NOT_FOUND', retryable: false },
  invalid_args: { code: 'BAD_REQUEST', retryable: false },
  dangerous_disabled: { code: 'FORBIDDEN', retryable: false },
  script_not_allowed: { code: 'FORBIDDEN', retryable: false },
  unsupported_script: { code: 'BAD_REQUEST', retryable: false },
  repo_dirty: { code: 'PRECONDITION_FAILED', retryable: false },
  repo_behind: { code: 'PRECONDITION_FAILED', retryable: false },
  preflight_failed: { code: 'PRECONDITION_FAILED', retryable: false },
  path_outside_root: { code: 'FORBIDDEN', retryable: false },
  path_denied: { code: 'FORBIDDEN', retryable: false },
  path_invalid: { code: 'BAD_REQUEST', retryable: false },
  permission_denied: { code: 'FORBIDDEN', retryable: false },
  not_a_file: { code: 'BAD_REQUEST', retryable: false },
  not_a_directory: { code: 'BAD_REQUEST', retryable: false },
  binary_file: { code: 'UNPROCESSABLE_CONTENT', retryable: false },
  too_large: { code: 'PAYLOAD_TOO_LARGE', retryable: false },
  git_failed: { code: 'INTERNAL_SERVER_ERROR', retryable: false },
  audit_unavailable: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  tools_unavailable: { code: 'SERVICE_UNAVAILABLE', retryable: false },
  tool_failed: { code: 'INTERNAL_SERVER_ERROR', retryable: false },
  // Analytics and feedback
  analytics_disabled: { code: 'FORBIDDEN', retryable: false },
  analytics_origin_not_allowed: { code: 'FORBIDDEN', retryable: false },
  analytics_unavailable: { code: 'SERVICE_UNAVAILABLE', retryable: false },
  feedback_unavailable: { code: 'SERVICE_UNAVAILABLE', retryable: false },
  feedback_not_allowed: { code: 'FORBIDDEN', retryable: false },
  feedback_expired: { code: 'FORBIDDEN', retryable: false },
} as const satisfies Record<string, { code: TRPCErrorCode; retryable: boolean }>;

/** The stable machine-readable cause of every error the API reports (`data.reason`). */
export type Reason = keyof typeof REASONS;

/** The reason tRPC's own errors (bad JSON, unknown procedure…) are reported under. */
const CODE_REASONS: Partial<Record<TRPCErrorCode, Reason>> = {
  PARSE_ERROR: 'invalid_input',
  BAD_REQUEST: 'invalid_input',
  NOT_FOUND: 'not_found',
  METHOD_NOT_SUPPORTED: 'method_not_supported',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  UNAUTHORIZED: 'unauthenticated',
  TOO_MANY_REQUESTS: 'rate_limited',
  CLIENT_CLOSED_REQUEST: 'aborted',
  TIMEOUT: 'timeout',
};

/**
 * A failure the domain raises on purpose. The domain names the reason only; how it travels
 * (tRPC code, HTTP status, OpenAI error body) is decided here, in one table.
 */
export class DomainError extends Error {
  readonly reason: Reason;
  /** When a retry may succeed (limits, busy upstreams): becomes `Retry-After`. */
  readonly retryAfterMs: number | undefined;
  constructor(reason: Reason, message: string, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'DomainError';
    this.reason = reason;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRetryable(reason: Reason): boolean {
  return REASONS[reason].retryable;
}

/** The HTTP status a reason travels under, on every surface. */
export function httpStatusOf(reason: Reason): number {
  return getHTTPStatusCodeFromError(new TRPCError({ code: REASONS[reason].code }));
}

/**
 * A tRPC error carrying a DomainError, for code that must hand tRPC a TRPCError itself (middleware
 * that refuses before a procedure runs). `code` is ignored: the reason decides it.
 * @deprecated throw `new DomainError(reason, message)` instead.
 */
export function apiError(_code: TRPCErrorCode, reason: Reason, message: string): TRPCError {
  return new TRPCError({
    code: REASONS[reason].code,
    message,
    cause: new DomainError(reason, message),
  });
}

function domainCause(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (error instanceof TRPCError && error.cause instanceof DomainError) return error.cause;
  return null;
}

/** The stable reason of any error a procedure ended with. */
export function reasonOf(error: unknown): Reason {
  const domain = domainCause(error);
  if (domain) return domain.reason;
  if (error instanceof TRPCError) return CODE_REASONS[error.code] ?? 'internal';
  return 'internal';
}

/** How long to wait before retrying, when the error says (limits): the source of `Retry-After`. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return domainCause(error)?.retryAfterMs;
}

/** True for a failure the API raised on purpose (not a bug worth logging as one). */
export function isDomainError(error: unknown): boolean {
  return domainCause(error) !== null;
}

/** `data` of tRPC's error shape: code and status from the reason, plus the reason itself. */
export interface ReasonedErrorData {
  code: TRPCErrorCode;
  httpStatus: number;
  reason: Reason;
  /** Whether the same call may succeed later. */
  retryable: boolean;
  retryAfterMs?: number;
}

const INTERNAL_MESSAGE = 'Internal server error';

/** One problem a schema found (zod's issues and Standard Schema's have this shape). */
export interface ValidationIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/**
 * The message of an input that failed validation, on every surface (tRPC and `/v1`): the first
 * problem as `path: message` (`messages.0.content: a message is at most 16000 characters`), never
 * the schema library's JSON dump of every issue.
 */
export function describeInvalidInput(
  issues: readonly ValidationIssue[],
  subject = 'input',
): string {
  const issue = issues[0];
  if (!issue) return `invalid ${subject}`;
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
  return `${path || subject}: ${issue.message}`;
}

/**
 * The issues of an input that failed its procedure's schema: tRPC rethrows the schema's own error
 * (a ZodError, or its StandardSchemaV1Error for other libraries) as the cause of a BAD_REQUEST.
 */
function validationIssues(error: TRPCError): readonly ValidationIssue[] | null {
  if (error.code !== 'BAD_REQUEST' || typeof error.cause !== 'object' || error.cause === null) {
    return null;
  }
  const issues: unknown = (error.cause as { issues?: unknown }).issues;
  return Array.isArray(issues) && issues.every((i) => typeof i?.message === 'string')
    ? issues
    : null;
}

/** tRPC's error shape for `error` (used by the error formatter, so every tRPC error is mapped here). */
export function formatTRPCError<S extends { code: number; data: object }>(
  shape: S,
  error: TRPCError,
): S & { data: ReasonedErrorData } {
  const domain = domainCause(error);
  const reason = reasonOf(error);
  const code = domain ? REASONS[reason].code : error.code;
  const issues = validationIssues(error);
  return {
    ...shape,
    // A failure nobody raised on purpose carries text from a library or the operating system
    // (paths, SQL, timeouts of a worker): the caller gets the reason, the log keeps the detail.
    ...(!domain && code === 'INTERNAL_SERVER_ERROR' ? { message: INTERNAL_MESSAGE } : {}),
    // An input the procedure's schema refused: tRPC's message is the issues as a JSON array.
    ...(issues ? { message: describeInvalidInput(issues) } : {}),
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: {
      ...shape.data,
      code,
      httpStatus: domain ? httpStatusOf(reason) : getHTTPStatusCodeFromError(error),
      reason,
      retryable: isRetryable(reason),
      ...(domain?.retryAfterMs !== undefined ? { retryAfterMs: domain.retryAfterMs } : {}),
    },
  };
}

/**
 * The JSON body tRPC would send for `reason`, for hosts that refuse a request before it reaches
 * tRPC (auth, origin checks), so the typed client reads the same `data.reason`.
 */
export function trpcErrorBody(
  reason: Reason,
  message: string,
  extra: Record<string, unknown> = {},
): { status: number; body: { error: { message: string; code: number; data: object } } } {
  const code = REASONS[reason].code;
  const status = httpStatusOf(reason);
  return {
    status,
    body: {
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[code],
        data: { code, httpStatus: status, reason, retryable: isRetryable(reason), ...extra },
      },
    },
  };
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The OpenAI-style error body (`{ error: { message, type, param, code } }`) for `reason`. */
export function openAIErrorBody(
  reason: Reason,
  message: string,
): {
  status: number;
  body: { error: { message: string; type: string; param: null; code: Reason } };
} {
  const status = httpStatusOf(reason);
  return {
    status,
    body: {
      error: { message, type: OPENAI_TYPES[status] ?? 'server_error', param: null, code: reason },
    },
  };
}
