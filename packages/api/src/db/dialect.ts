import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/**
 * Write transactions take the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction
 * that reads and then writes fails at once with SQLITE_BUSY when another process committed in
 * between, without waiting for busy_timeout.
 */
class ImmediateTransactionDriver extends SqliteDriver {
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
    createDriver: () => new ImmediateTransactionDriver({ database }),
    createQueryCompiler: () => sqliteDialect.createQueryCompiler(),
    createAdapter: () => sqliteDialect.createAdapter(),
    createIntrospector: (db) => sqliteDialect.createIntrospector(db),
  };
}
