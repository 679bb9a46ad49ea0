/** The request's `Origin` header and the origin the server itself answers on. */
export interface RequestOrigins {
  sent: string | null;
  own: string | null;
}

/** `scheme://host[:port]` as browsers send it; null for anything but an http(s) origin. */
export function canonicalOrigin(origin: string | null): string | null {
  if (!origin) return null;
  try {
    const url = new URL(origin);
    return /^https?:$/.test(url.protocol) ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a page at the request's origin may send events: one of `allowlist` (exact origins), or,
 * when the list is empty, the page's own origins: the server's own, and `pageOrigins` (where the
 * host knows the page's public origin, e.g. behind a TLS proxy). No `Origin` (or `null`, from a
 * sandboxed frame or a file) is refused: browsers send it on every POST, so only non-page callers
 * lack it.
 */
export function originAllowed(
  origins: RequestOrigins | undefined,
  allowlist: readonly string[],
  pageOrigins: readonly string[] = [],
): boolean {
  const sent = origins?.sent ?? null;
  // Only an origin spelled exactly as browsers send it: no path, case or default-port variants.
  if (!sent || canonicalOrigin(sent) !== sent) return false;
  if (allowlist.length > 0) return allowlist.includes(sent);
  return sent === canonicalOrigin(origins?.own ?? null) || pageOrigins.includes(sent);
}
