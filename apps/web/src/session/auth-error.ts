/**
 * True when a call failed because the caller is not signed in (401), not because of the network.
 * Reads the tRPC error's `data` by shape, so this check does not load the client.
 */
export function isAuthError(error: unknown): boolean {
  const data = (error as { data?: { reason?: unknown; httpStatus?: unknown } } | null)?.data;
  return (
    data?.reason === 'unauthenticated' ||
    data?.reason === 'invalid_api_key' ||
    data?.httpStatus === 401
  );
}
