import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Storage } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { postgresMigrations } from './postgres-migrations.ts';

/** Oldest PostgreSQL served: generated columns, trusted extensions and transition tables. */
export const MIN_POSTGRES_MAJOR = 14;
/** How long start-up waits for the database to accept connections (a compose stack starting). */
export const DEFAULT_WAIT_MS = 60_000;
const MAX_PAUSE_MS = 5_000;
const POOL_SIZE = 10;
const INT8_OID = 20;

export interface PostgresLogger {
  warn(fields: object, message: string): void;
}

export interface PostgresOptions {
  url: string;
  waitMs?: number;
  log?: PostgresLogger;
  /**
   * Connections to use instead of a `pg` pool on `url` (tests: PGlite, which has pgvector; a
   * server of another version). `url` then only names the database in messages.
   */
  pool?: PostgresPool;
}

/** A typed failure to reach or use the configured database; its message never holds the password. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** `host:port/database` of a connection string: what logs and errors may show (no credentials). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'an invalid DATABASE_URL';
  }
}

/**
 * Errors worth waiting out at start-up: nothing listening yet, DNS not ready, the server still
 * starting or shutting down, too many connections. Anything else (bad password, missing
 * database) fails at once.
 */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(
      code,
    ) ||
      code === '57P03' || // cannot connect now (starting up)
      code === '53300') // too many connections
  );
}

/** int8 (counts, millisecond timestamps) as numbers: every such value Bastion stores is < 2^53. */
function typeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === INT8_OID) return (value: string) => Number(value);
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid);
}

async function serverVersion(pool: PostgresPool): Promise<number> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ v: string }>(
      "select current_setting('server_version_num') as v",
      [],
    );
    return Number(rows[0]?.v);
  } finally {
    client.release();
  }
}

/** Waits (with backoff) until the server answers, then checks its version. */
async function waitForServer(pool: PostgresPool, options: PostgresOptions): Promise<number> {
  const where = describeDatabaseUrl(options.url);
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  for (let pause = 250, attempt = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS), attempt++) {
    try {
      const major = Math.floor((await serverVersion(pool)) / 10_000);
      if (!(major >= MIN_POSTGRES_MAJOR)) {
        throw new DatabaseUnavailableError(
          `PostgreSQL at ${where} is version ${major}; Bastion needs ${MIN_POSTGRES_MAJOR} or later`,
        );
      }
      return major;
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      const code = String((error as { code?: unknown }).code ?? (error as Error).name);
      if (!isTransient(error)) {
        throw new DatabaseUnavailableError(
          `PostgreSQL at ${where} refused the connection (${code})`,
        );
      }
      if (Date.now() + pause > deadline) {
        throw new DatabaseUnavailableError(`PostgreSQL at ${where} is unreachable (${code})`);
      }
      if (attempt === 1)
        options.log?.warn({ database: where }, `waiting for PostgreSQL at ${where}…`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function newPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    types: { getTypeParser: typeParser as never },
  });
  // An idle client losing its server is reported here; queries on it fail on their own.
  pool.on('error', () => {});
  return pool;
}

/**
 * Opens a pool on `DATABASE_URL`, waiting for the server at start-up, and applies pending
 * migrations (Kysely's migrator holds an advisory lock, so replicas starting together migrate
 * once).
 */
export async function openPostgres(options: PostgresOptions): Promise<Storage> {
  const pool = options.pool ?? newPool(options.url);
  let db: Kysely<Database> | null = null;
  try {
    const major = await waitForServer(pool, options);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => Object.fromEntries(postgresMigrations) },
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const live = db;
    return { db: live, journalMode: `postgresql ${major}`, applied, close: () => live.destroy() };
  } catch (error) {
    if (db) await db.destroy();
    else await pool.end();
    throw error;
  }
}
