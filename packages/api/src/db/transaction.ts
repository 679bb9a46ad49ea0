import type { Kysely, Transaction } from 'kysely';
import { withBusyRetry } from './retry.ts';
import type { Database } from './schema.ts';

/**
 * Runs `work` in one immediate write transaction, retried with backoff while the database is busy
 * or locked. `work` must only touch the database (no network): it may run more than once.
 */
export function writeTransaction<T, DB extends Database = Database>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return withBusyRetry(() => db.transaction().execute(work));
}
