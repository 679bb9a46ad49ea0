import type { Kysely } from 'kysely';

// Frozen: released databases already ran this. Change the schema with a new migration instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Anonymous analytics events (analytics/sql-store.ts): what the JSONL lines hold, one row each.
  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('served_by', 'text')
    .addColumn('props', 'text', (c) => c.notNull())
    .execute();
  // Retention and the summary by day; erasure and export by visitor.
  await db.schema
    .createIndex('analytics_events_day')
    .on('analytics_events')
    .column('day')
    .execute();
  await db.schema
    .createIndex('analytics_events_visitor')
    .on('analytics_events')
    .columns(['visitor_id', 'ts'])
    .execute();
  await db.schema
    .createTable('analytics_days')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .execute();
}
