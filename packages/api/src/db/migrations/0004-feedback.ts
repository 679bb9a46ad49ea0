import { type Kysely, sql } from 'kysely';

// Frozen: released databases already ran this. Change the schema with a new migration instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // 👍/👎 on an answer: one row per answer (request id) and visitor; no message content.
  await db.schema
    .createTable('feedback')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('visitor', 'text', (c) => c.notNull())
    .addColumn('rating', 'text', (c) => c.notNull().check(sql`rating in ('up', 'down')`))
    .addColumn('note', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_pk', ['request_id', 'visitor'])
    .execute();
  // Erasure and export by visitor.
  await db.schema.createIndex('feedback_visitor').on('feedback').column('visitor').execute();
}
