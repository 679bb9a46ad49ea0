import { type Kysely, sql } from 'kysely';

// Frozen: released databases already ran this. Change the schema with a new migration instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('chunk_count', 'integer', (c) => c.notNull())
    .addColumn('embedding_model', 'text')
    .addColumn('ingested_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('documents_collection_source_path', ['collection', 'source', 'path'])
    .execute();

  await db.schema
    .createTable('chunks')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('document_id', 'integer', (c) =>
      c.notNull().references('documents.id').onDelete('cascade'),
    )
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chunks_document').on('chunks').column('document_id').execute();
  // Covering index for the collection filter of searches: far smaller than the chunk rows.
  await db.schema
    .createIndex('chunks_collection')
    .on('chunks')
    .columns(['collection', 'id'])
    .execute();

  await db.schema
    .createTable('chunk_vectors')
    .addColumn('chunk_id', 'integer', (c) =>
      c.primaryKey().references('chunks.id').onDelete('cascade'),
    )
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('embedding', 'blob', (c) => c.notNull())
    .execute();

  // External-content FTS5 index over chunks, kept in step by triggers (cascaded deletes fire them).
  await sql`
    create virtual table chunks_fts using fts5(
      title, body,
      content = 'chunks', content_rowid = 'id',
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`
    create trigger chunks_fts_insert after insert on chunks begin
      insert into chunks_fts (rowid, title, body) values (new.id, new.title, new.body);
    end`.execute(db);
  await sql`
    create trigger chunks_fts_delete after delete on chunks begin
      insert into chunks_fts (chunks_fts, rowid, title, body)
        values ('delete', old.id, old.title, old.body);
    end`.execute(db);
  await sql`
    create trigger chunks_fts_update after update on chunks begin
      insert into chunks_fts (chunks_fts, rowid, title, body)
        values ('delete', old.id, old.title, old.body);
      insert into chunks_fts (rowid, title, body) values (new.id, new.title, new.body);
    end`.execute(db);
}
