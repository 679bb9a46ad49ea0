import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';
import { withBusyRetry } from './retry.ts';
import type { Database } from './schema.ts';

/**
 * Applies pending migrations inside one immediate transaction, so processes starting together
 * on a fresh file migrate once (the others wait, then find nothing to do) and a crash mid-way
 * leaves the previous schema. Returns the names applied now.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return withBusyRetry(() =>
    db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const migrator = new Migrator({
          db: connection,
          provider: { getMigrations: async () => Object.fromEntries(migrations) },
        });
        const { error, results = [] } = await migrator.migrateToLatest();
        if (error) throw error;
        await sql`commit`.execute(connection);
        return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    }),
  );
}
