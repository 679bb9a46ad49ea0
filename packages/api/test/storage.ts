import { inject } from 'vitest';
import { openStorage, type Storage } from '../src/db/database.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { createDatabase } from '../src/testing/services.ts';

/**
 * The storage the suite runs against: the `postgres` vitest project sets BASTION_TEST_STORAGE and
 * starts a server (test/postgres-setup.ts); the default project uses SQLite files. The same tests
 * run on both.
 */
export const storageUnderTest: 'sqlite' | 'postgres' =
  process.env.BASTION_TEST_STORAGE === 'postgres' ? 'postgres' : 'sqlite';

let created = 0;

/** A new migrated PostgreSQL database on the project's server, or undefined on SQLite. */
export async function testDatabaseUrl(): Promise<string | undefined> {
  if (storageUnderTest !== 'postgres') return undefined;
  created += 1;
  return createDatabase(
    inject('postgresUrl'),
    `test_${process.pid}_${created}`,
    inject('postgresTemplate'),
  );
}

/** Storage for features that keep tables beside the knowledge base (feedback): either engine. */
export async function openTestStorage(sqlitePath: string): Promise<Storage> {
  const url = await testDatabaseUrl();
  return url ? openPostgres({ url }) : openStorage(sqlitePath);
}
