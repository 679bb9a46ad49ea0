import type { TRPCError } from '@trpc/server';
import { apiError } from '../errors.ts';

/** Every stable `data.reason` a tool call can end with, and the tRPC code it travels under. */
const REFUSAL_CODES = {
  unknown_tool: 'NOT_FOUND',
  invalid_args: 'BAD_REQUEST',
  dangerous_disabled: 'FORBIDDEN',
  script_not_allowed: 'FORBIDDEN',
  unsupported_script: 'BAD_REQUEST',
  repo_dirty: 'PRECONDITION_FAILED',
  repo_behind: 'PRECONDITION_FAILED',
  preflight_failed: 'PRECONDITION_FAILED',
  path_outside_root: 'FORBIDDEN',
  path_denied: 'FORBIDDEN',
  path_invalid: 'BAD_REQUEST',
  permission_denied: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  not_a_file: 'BAD_REQUEST',
  not_a_directory: 'BAD_REQUEST',
  binary_file: 'UNPROCESSABLE_CONTENT',
  too_large: 'PAYLOAD_TOO_LARGE',
  timeout: 'TIMEOUT',
  git_failed: 'INTERNAL_SERVER_ERROR',
  audit_unavailable: 'SERVICE_UNAVAILABLE',
  tools_unavailable: 'SERVICE_UNAVAILABLE',
  tool_failed: 'INTERNAL_SERVER_ERROR',
} as const;

export type ToolRefusalReason = keyof typeof REFUSAL_CODES;

export function refusal(reason: ToolRefusalReason, message: string): TRPCError {
  return apiError(REFUSAL_CODES[reason], reason, message);
}
