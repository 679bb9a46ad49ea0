import type { PostgresPool } from 'kysely';
import { openStorage } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ensureCollectionIndex } from '../rag/search/collection-index.ts';
import { TermStats } from '../rag/search/term-stats.ts';
import { nearestChunks } from '../rag/vectors.ts';
import type { SearchStorage } from './lexical.ts';
import { openPostgres, type PostgresLogger } from './postgres.ts';
import { PostgresStats } from './postgres-search.ts';
import { enablePgvector, nearestChunksPgvector } from './postgres-vectors.ts';

export interface StorageOptions {
  /** The embedded SQLite file, used when `databaseUrl` is not set. */
  databasePath: string;
  /** `postgres://…`: PostgreSQL instead of the SQLite file (shared by every replica). */
  databaseUrl?: string | null;
  /** How long start-up waits for PostgreSQL (default a minute). */
  databaseWaitMs?: number;
  log?: PostgresLogger;
  /** PostgreSQL connections to use instead of a pool on `databaseUrl` (tests: PGlite). */
  postgresPool?: PostgresPool;
}

/** The knowledge base's storage: PostgreSQL when a URL is given, the SQLite file otherwise. */
export async function openSearchStorage(options: StorageOptions): Promise<SearchStorage> {
  if (options.databaseUrl) {
    const storage = await openPostgres({
      url: options.databaseUrl,
      ...(options.databaseWaitMs !== undefined ? { waitMs: options.databaseWaitMs } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.postgresPool ? { pool: options.postgresPool } : {}),
    });
    let vectors: boolean;
    try {
      vectors = await enablePgvector(storage.db);
    } catch (error) {
      await storage.close();
      throw error;
    }
    return {
      engine: 'postgres',
      db: storage.db,
      journalMode: storage.journalMode,
      stats: new PostgresStats(storage.db),
      // With pgvector, hybrid search as on SQLite; without it, full text only.
      vectors,
      // Every collection shares the tsvector column; statistics rows appear with its first chunk.
      ensureCollection: async () => {},
      nearestChunks: async (vector, query) => {
        if (!vectors) throw new Error('vector search needs pgvector on this PostgreSQL');
        return nearestChunksPgvector(storage.db, vector, query);
      },
      close: storage.close,
    };
  }
  const storage = await openStorage(options.databasePath);
  return {
    engine: 'sqlite',
    db: storage.db,
    journalMode: storage.journalMode,
    stats: new TermStats(storage.db),
    vectors: true,
    ensureCollection: async (collection) => {
      await writeTransaction(storage.db, (trx) => ensureCollectionIndex(trx, collection));
    },
    nearestChunks: (vector, query) => nearestChunks(storage.db, vector, query),
    close: storage.close,
  };
}
