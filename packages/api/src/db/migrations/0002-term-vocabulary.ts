import { type Kysely, sql } from 'kysely';

// Frozen: released databases already ran this. Change the schema with a new migration instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Read-only view of the full-text index: per indexed (Porter-stemmed) term, the number of
  // chunks holding it, found by one seek instead of a scan of the term's matches.
  await sql`create virtual table chunks_vocab using fts5vocab(chunks_fts, row)`.execute(db);
}
