import type { AnalyticsStore } from './store.ts';
import { utcDay } from './store.ts';

const DAY_MS = 86_400_000;

export interface RetentionLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** The first day kept: today (UTC) and the `retentionDays` days before it. */
export function retentionCutoff(retentionDays: number, now: Date): string {
  return utcDay(new Date(now.getTime() - retentionDays * DAY_MS));
}

/**
 * Sweeps now, then just after every UTC midnight, so a day's file goes the moment it falls out
 * of the window: an event is kept at least `retentionDays` days and at most one day more. The
 * timer never holds the process open; `stop` ends it.
 */
export function scheduleRetention(
  store: AnalyticsStore,
  retentionDays: number,
  log: RetentionLogger,
  now: () => Date = () => new Date(),
): { stop: () => void; swept: Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const sweep = async () => {
    try {
      const deleted = await store.sweep(retentionCutoff(retentionDays, now()));
      if (deleted.length > 0) log.info({ days: deleted }, 'analytics retention sweep');
    } catch (error) {
      log.warn({ err: error }, 'analytics retention sweep failed');
    }
  };
  const next = () => {
    if (stopped) return;
    const at = now().getTime();
    // One second past midnight, so the new day has surely begun.
    timer = setTimeout(() => void sweep().then(next), DAY_MS - (at % DAY_MS) + 1_000);
    timer.unref();
  };
  const swept = sweep().then(next);
  return {
    swept,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
