/** How long a statement waits for another connection's lock before SQLITE_BUSY (busy_timeout). */
export const BUSY_TIMEOUT_MS = 10_000;
/** Longest pause between two tries of an asynchronous lock wait. */
const MAX_LOCK_PAUSE_MS = 50;

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

/**
 * Tries `attempt` until it stops reporting the database busy, for up to `timeoutMs`, pausing on
 * timers in between (1, 2, 4… ms, then every 50 ms): what SQLite's busy_timeout does, without
 * blocking the thread while it waits. The last busy error propagates.
 */
export async function waitForLock<T>(
  attempt: () => T | Promise<T>,
  timeoutMs: number = BUSY_TIMEOUT_MS,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_LOCK_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusyError(error) || performance.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
