import { type Kysely, sql } from 'kysely';
import { ensureCollectionIndex } from '../../rag/search/collection-index.ts';
import type { Database } from '../schema.ts';

// Frozen: released databases already ran this. Change the schema with a new migration instead.
// Replaces the one full-text index shared by every collection with one index per collection, so
// that term statistics (and so rankings) of one collection never move when another changes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('collection_indexes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('collection', 'text', (c) => c.notNull().unique())
    .execute();
  // Fail closed: a document for a collection without an index would be stored but never found.
  await sql`
    create trigger documents_need_index before insert on documents
    when not exists (select 1 from collection_indexes where collection = new.collection) begin
      select raise(abort, 'collection has no search index');
    end`.execute(db);

  const typed = db as unknown as Kysely<Database>;
  const { rows } = await sql<{ collection: string }>`
    select distinct collection from chunks order by collection`.execute(db);
  for (const { collection } of rows) await ensureCollectionIndex(typed, collection);

  await sql`drop table chunks_vocab`.execute(db);
  for (const trigger of ['insert', 'delete', 'update']) {
    await sql`drop trigger ${sql.raw(`chunks_fts_${trigger}`)}`.execute(db);
  }
  await sql`drop table chunks_fts`.execute(db);
}
