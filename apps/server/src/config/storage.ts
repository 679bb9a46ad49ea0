import { z } from 'zod';
import { defineSection } from './section.ts';

export interface StorageConfig {
  /** `postgres://…`: PostgreSQL shared by every replica; null keeps the embedded SQLite file. */
  databaseUrl: string | null;
}

export const storageSection = defineSection(
  // Checked below, not by the schema: a schema error would echo the value (and its password).
  { DATABASE_URL: z.string().optional() },
  (e, problem): StorageConfig => {
    const raw = e.DATABASE_URL?.trim();
    if (!raw) return { databaseUrl: null };
    let parsed: URL | null = null;
    try {
      parsed = new URL(raw);
    } catch {
      // reported below
    }
    if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol) || !parsed.hostname) {
      problem('DATABASE_URL', 'must be a postgres://user:password@host:port/database URL');
      return { databaseUrl: null };
    }
    return { databaseUrl: raw };
  },
);
