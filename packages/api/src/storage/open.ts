import { openStorage } from '../db/database.ts';
import { writeTransaction } from '../db/transaction.ts';
import { ensureCollectionIndex } from '../rag/search/collection-index.ts';
import { TermStats } from '../rag/search/term-stats.ts';
import { nearestChunks } from '../rag/vectors.ts';
import type { SearchStorage } from './lexical.ts';
import { openPostgres, type PostgresLogger } from './postgres.ts';
import { PostgresStats } from './postgres-search.ts';

export interface StorageOptions {
  /** The embedded SQLite file, used when `databaseUrl` is not set. */
  databasePath: string;
  /** `postgres://…`: PostgreSQL instead of the SQLite file (shared by every replica). */
  databaseUrl?: string | null;
  /** How long start-up waits for PostgreSQL (default a minute). */
  databaseWaitMs?: number;
  log?: PostgresLogger;
}

/** The knowledge base's storage: PostgreSQL when a URL is given, the SQLite file otherwise. */
export async function openSearchStorage(options: StorageOptions): Promise<SearchStorage> {
  if (options.databaseUrl) {
    const storage = await openPostgres({
      url: options.databaseUrl,
      ...(options.databaseWaitMs !== undefined ? { waitMs: options.databaseWaitMs } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    return {
      engine: 'postgres',
      db: storage.db,
      journalMode: storage.journalMode,
      stats: new PostgresStats(storage.db),
      // pgvector search is not wired yet: hybrid mode falls back to full-text search.
      vectors: false,
      // Every collection shares the tsvector column; statistics rows appear with its first chunk.
      ensureCollection: async () => {},
      nearestChunks: async () => {
        throw new Error('vector search is not available on PostgreSQL');
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
