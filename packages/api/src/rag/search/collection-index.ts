import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { COLLECTION_PATTERN } from '../collections.ts';

/**
 * One FTS5 index per collection. FTS5's bm25() takes its statistics (row count, average length,
 * document frequencies) from the whole index it runs on, so a shared index would let ingesting
 * into one collection move the ranking of every other; with an index each, it cannot.
 *
 * Each index is an external-content FTS5 table over `chunks` (`chunks_fts_<n>`), kept in step by
 * triggers that fire only for the collection's rows, with an fts5vocab view (`chunks_vocab_<n>`)
 * for document frequencies; `collection_indexes` maps collection ids to `n`.
 */

/** The index's tables: FTS5 table and vocabulary view, as SQL identifiers. */
export interface IndexTables {
  fts: RawBuilder<unknown>;
  vocab: RawBuilder<unknown>;
}

export function indexTables(n: number): IndexTables {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error('invalid index number');
  return { fts: sql.raw(`chunks_fts_${n}`), vocab: sql.raw(`chunks_vocab_${n}`) };
}

/** The index number of every collection that has one. */
export async function collectionIndexes(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('collection_indexes').select(['collection', 'id']).execute();
  return new Map(rows.map((r) => [r.collection, r.id]));
}

/**
 * Creates the collection's index if it has none (inside the caller's transaction), indexing the
 * chunks it already holds. Returns its number. Ingest calls this before writing: a document row
 * for a collection without an index is refused by a trigger, so no chunk is ever left unindexed.
 */
export async function ensureCollectionIndex(
  db: Kysely<Database>,
  collection: string,
): Promise<number> {
  // The id is spliced into trigger bodies, so it must be the validated shape (no quotes).
  if (!COLLECTION_PATTERN.test(collection)) throw new Error('invalid collection id');
  const existing = await db
    .selectFrom('collection_indexes')
    .select('id')
    .where('collection', '=', collection)
    .executeTakeFirst();
  if (existing) return existing.id;
  const { id } = await db
    .insertInto('collection_indexes')
    .values({ collection })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { fts, vocab } = indexTables(id);
  const name = (suffix: string) => sql.raw(`chunks_fts_${id}_${suffix}`);
  const literal = sql.lit(collection);
  await sql`
    create virtual table ${fts} using fts5(
      title, body,
      content = 'chunks', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`create virtual table ${vocab} using fts5vocab(${fts}, row)`.execute(db);
  await sql`
    create trigger ${name('insert')} after insert on chunks when new.collection = ${literal} begin
      insert into ${fts} (rowid, title, body) values (new.id, new.title, new.body);
    end`.execute(db);
  await sql`
    create trigger ${name('delete')} after delete on chunks when old.collection = ${literal} begin
      insert into ${fts} (${fts}, rowid, title, body) values ('delete', old.id, old.title, old.body);
    end`.execute(db);
  await sql`
    create trigger ${name('update')} after update on chunks
    when old.collection = ${literal} or new.collection = ${literal} begin
      insert into ${fts} (${fts}, rowid, title, body)
        select 'delete', old.id, old.title, old.body where old.collection = ${literal};
      insert into ${fts} (rowid, title, body)
        select new.id, new.title, new.body where new.collection = ${literal};
    end`.execute(db);
  await sql`
    insert into ${fts} (rowid, title, body)
    select id, title, body from chunks where collection = ${collection}`.execute(db);
  return id;
}
