import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import * as sqliteVec from 'sqlite-vec';
import { bastionDialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import { BUSY_TIMEOUT_MS, waitForLock, withBusyRetry } from './retry.ts';
import type { Database } from './schema.ts';

export { BUSY_TIMEOUT_MS };

export interface Storage {
  db: Kysely<Database>;
  /** The file's journal mode as SQLite reports it (`wal`). */
  journalMode: string;
  /** Migrations this open applied (empty when the file was up to date). */
  applied: string[];
  close: () => Promise<void>;
}

/**
 * Most a connection's page cache holds, in KiB (SQLite's default is 2 MiB). A search reads the
 * posting lists of its words from the full-text index (76 MB at 100k chunks); with 2 MiB most of
 * those pages were read from the operating system again on every query. With 64 MiB, the NFCorpus
 * test queries at 100k chunks take 10-15% less CPU (half the system time), with the same results.
 * Pages are cached as they are read, so a small knowledge base uses no more memory than before.
 */
const PAGE_CACHE_KIB = 65_536;

/** Opens the file; on the main thread without a blocking busy wait (see `withoutBlockingWait`). */
function openConnection(path: string): { sqlite: BetterSqlite3.Database; journalMode: string } {
  const sqlite = new BetterSqlite3(path, { timeout: isMainThread ? 0 : BUSY_TIMEOUT_MS });
  try {
    const journalMode = String(sqlite.pragma('journal_mode = WAL', { simple: true }));
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    sqliteVec.load(sqlite);
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return { sqlite, journalMode };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * The database holds every document and feedback note: only this user may read it, whoever opens
 * it (the server, `bastion ingest`) and whatever the umask. Folders made for it are 0700; the
 * file is made 0600 before SQLite opens it, and SQLite gives its WAL and shared-memory files the
 * database file's mode. Files left readable by an older version are made 0600 too. The folder of
 * an existing file is left alone (it may be shared, like /tmp).
 */
function makePrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/**
 * Opens (creating if needed) the SQLite file at `path` and applies pending migrations. Opening is
 * retried with backoff while another process holds the lock. Use one Storage per thread: the
 * driver is synchronous, so a second connection in the same thread would wait on the first's
 * lock while blocking the event loop that could release it. On the main thread lock waits are
 * asynchronous (busy_timeout semantics, the event loop keeps serving).
 */
export async function openStorage(path: string): Promise<Storage> {
  makePrivate(path);
  const { sqlite, journalMode } = await withBusyRetry(() =>
    isMainThread ? waitForLock(() => openConnection(path)) : openConnection(path),
  );
  const db = new Kysely<Database>({ dialect: bastionDialect(sqlite) });
  let applied: string[];
  try {
    applied = await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, journalMode, applied, close: () => db.destroy() };
}
