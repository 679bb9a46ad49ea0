/** SQLITE_BUSY / SQLITE_LOCKED and their extended codes: another connection holds the lock. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

export interface RetryOptions {
  tries?: number;
  baseDelayMs?: number;
}

/**
 * Runs `operation`, retrying with exponential backoff (and jitter) while SQLite reports the
 * database busy or locked. Other errors, and the last busy error, propagate.
 */
export async function withBusyRetry<T>(
  operation: () => T | Promise<T>,
  { tries = 5, baseDelayMs = 50 }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= tries || !isBusyError(error)) throw error;
      const delay = baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
    }
  }
}
