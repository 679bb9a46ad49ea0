import { z } from 'zod';
import { defineSection } from './section.ts';

const waitMs = z.coerce
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(600_000, 'must be at most 600000 (10 minutes)')
  .default(30_000);

export interface RedisConfig {
  /** `redis://…` (or `rediss://` for TLS): shared runs, limits and sessions; null keeps them in memory. */
  url: string | null;
  /** REDIS_WAIT_MS: how long start-up waits for Redis to answer before giving up. */
  waitMs: number;
}

export const redisSection = defineSection(
  // Checked below, not by the schema: a schema error would echo the value (and its password).
  { REDIS_URL: z.string().optional(), REDIS_WAIT_MS: waitMs },
  (e, problem): RedisConfig => {
    const raw = e.REDIS_URL?.trim();
    if (!raw) return { url: null, waitMs: e.REDIS_WAIT_MS };
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      // reported below
    }
    if (!parsed || !/^rediss?:$/.test(parsed.protocol) || !parsed.hostname) {
      problem('REDIS_URL', 'must be a redis://[:password@]host:port[/db] (or rediss://) URL');
      return { url: null, waitMs: e.REDIS_WAIT_MS };
    }
    return { url: raw, waitMs: e.REDIS_WAIT_MS };
  },
);
