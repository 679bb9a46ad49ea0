/**
 * True when a call failed because the caller is not signed in (401), not because of the network.
 * Reads the tRPC error's `data` by shape, so this check does not load the client.
 */
/** The `data.reason` values that mean "sign in", as the server sends them. */
export const AUTH_REASONS: ReadonlySet<unknown> = new Set(['unauthenticated', 'invalid_api_key']);

export function isAuthError(error: unknown): boolean {
  const data = (error as { data?: { reason?: unknown; httpStatus?: unknown } } | null)?.data;
  return AUTH_REASONS.has(data?.reason) || data?.httpStatus === 401;
}
