import { isMainThread } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';
import { BUSY_TIMEOUT_MS, waitForLock } from './retry.ts';

const BEGIN = /^\s*begin\b/i;

/**
 * Runs `run` with the connection's busy_timeout at zero, retrying on timers while another
 * connection holds the lock. better-sqlite3 waits for a lock inside the call, so on the main
 * thread busy_timeout would freeze the event loop (health checks, every stream) for as long as
 * another process holds the write lock; this waits as long, but asynchronously.
 */
export function withoutBlockingWait<T>(sqlite: BetterSqlite3.Database, run: () => T | Promise<T>) {
  return waitForLock(async () => {
    sqlite.pragma('busy_timeout = 0');
    try {
      return await run();
    } finally {
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  });
}

/**
 * On the main thread, statements that may wait for the write lock (a `BEGIN`, or a write outside
 * a transaction) wait asynchronously; inside a transaction the lock is already held. Worker
 * threads keep SQLite's own busy wait.
 */
class LockWaitingConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #database: SqliteDatabase;

  constructor(inner: DatabaseConnection, sqlite: BetterSqlite3.Database, database: SqliteDatabase) {
    this.#inner = inner;
    this.#sqlite = sqlite;
    this.#database = database;
  }

  #mayWait(sql: string): boolean {
    return BEGIN.test(sql) || !this.#readonly(sql);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#sqlite.inTransaction) {
      // Statements chained by awaits never give the event loop a turn, so a transaction of many
      // large writes (an ingest batch) would hold it from BEGIN to COMMIT: each write waits for
      // the next turn instead. Other queries cannot slip in: the driver's mutex holds them.
      if (!this.#readonly(query.sql)) await new Promise((resolve) => setImmediate(resolve));
      return this.#inner.executeQuery(query);
    }
    if (!this.#mayWait(query.sql)) return this.#inner.executeQuery(query);
    return withoutBlockingWait(this.#sqlite, () => this.#inner.executeQuery<R>(query));
  }

  #readonly(sql: string): boolean {
    return (this.#database.prepare(sql) as unknown as { readonly: boolean }).readonly;
  }

  streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
    options?: Parameters<DatabaseConnection['streamQuery']>[2],
  ): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery(query, chunkSize, options);
  }
}

/**
 * Write transactions take the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction
 * that reads and then writes fails at once with SQLITE_BUSY when another process committed in
 * between, without waiting for busy_timeout.
 */
class ImmediateTransactionDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #database: SqliteDatabase;
  #connection: DatabaseConnection | null = null;

  constructor(sqlite: BetterSqlite3.Database, database: SqliteDatabase) {
    super({ database });
    this.#sqlite = sqlite;
    this.#database = database;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    if (!isMainThread) return connection;
    this.#connection ??= new LockWaitingConnection(connection, this.#sqlite, this.#database);
    return this.#connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

const STATEMENT_CACHE_SIZE = 256;

/** Reuses prepared statements: Kysely's SQLite driver prepares every query anew. */
function cachingDatabase(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(query) {
      let statement = cache.get(query);
      if (statement) {
        cache.delete(query);
      } else {
        statement = sqlite.prepare(query) as unknown as SqliteStatement;
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(query, statement);
      return statement;
    },
  };
}

/** SQLite through better-sqlite3 with immediate write transactions and a statement cache. */
export function bastionDialect(sqlite: BetterSqlite3.Database): Dialect {
  const database = cachingDatabase(sqlite);
  const sqliteDialect = new SqliteDialect({ database });
  return {
    createDriver: () => new ImmediateTransactionDriver(sqlite, database),
    createQueryCompiler: () => sqliteDialect.createQueryCompiler(),
    createAdapter: () => sqliteDialect.createAdapter(),
    createIntrospector: (db) => sqliteDialect.createIntrospector(db),
  };
}
