import { z } from 'zod';
import { defineSection } from './section.ts';

export interface StorageConfig {
  /** `postgres://…`: PostgreSQL shared by every replica; null keeps the embedded SQLite file. */
  databaseUrl: string | null;
  /** How long start-up waits for PostgreSQL to answer. */
  databaseWaitMs: number;
}

export const storageSection = defineSection(
  // Checked below, not by the schema: a schema error would echo the value (and its password).
  {
    DATABASE_URL: z.string().optional(),
    DATABASE_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
  },
  (e, problem): StorageConfig => {
    const raw = e.DATABASE_URL?.trim();
    const databaseWaitMs = e.DATABASE_WAIT_MS;
    if (!raw) return { databaseUrl: null, databaseWaitMs };
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      // reported below
    }
    if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol) || !parsed.hostname) {
      problem('DATABASE_URL', 'must be a postgres://user:password@host:port/database URL');
      return { databaseUrl: null, databaseWaitMs };
    }
    return { databaseUrl: raw, databaseWaitMs };
  },
);
