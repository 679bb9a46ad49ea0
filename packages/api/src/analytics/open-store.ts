import { type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from '../db/schema.ts';
import { JsonlAnalyticsStore } from './jsonl-store.ts';
import { SqlAnalyticsStore } from './sql-store.ts';
import type { AnalyticsStore } from './store.ts';

/**
 * The analytics store for a server: on PostgreSQL (`DATABASE_URL`) the events table every
 * replica shares, beside the knowledge base and feedback; on the embedded SQLite default, one
 * JSONL file per day in `dir` (SPEC §9), which a person can read, copy or delete by hand.
 */
export async function openAnalyticsStore(
  db: Kysely<Database>,
  dir: string,
): Promise<AnalyticsStore> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return new SqlAnalyticsStore(db);
  return JsonlAnalyticsStore.open(dir);
}
