import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ScoredChunk, TopKOptions } from '../rag/search/bm25.ts';

/**
 * What ranking needs from one collection's full-text index, whatever stores it: SQLite's FTS5
 * tables (rag/search/term-stats.ts) or PostgreSQL's tsvector column with its statistics tables
 * (postgres-search.ts). Scores are BM25 with the same parameters on both.
 */
export interface LexicalIndex {
  /** Chunks in the collection. */
  readonly rows: number;
  /** Chunks holding the (unstemmed, case-folded) word. */
  documentFrequency(term: string): Promise<number>;
  /** BM25's inverse document frequency of the word, never below a tiny positive floor. */
  idf(term: string): Promise<number>;
  /** The BM25 top k chunks for any of `terms` (OR semantics). */
  topK(terms: readonly string[], options: TopKOptions): Promise<ScoredChunk[]>;
}

/** Every collection's index statistics, cached until the database changes. */
export interface LexicalStats {
  /** Marks this process's own writes. */
  invalidate(): void;
  /** Brings the cache up to date; call once per search before reading. */
  refresh(): Promise<void>;
  /** The collection's index; null when it holds no chunks. */
  collection(id: string): Promise<LexicalIndex | null>;
}

/**
 * The storage engine behind a knowledge base: its database and the parts whose SQL differs
 * between engines (full-text index upkeep and reads, vector search).
 */
export interface SearchStorage {
  readonly engine: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Shown in the status summary: SQLite's journal mode, or PostgreSQL and its major version. */
  readonly journalMode: string;
  readonly stats: LexicalStats;
  /** Whether nearest-neighbour search over stored embeddings is available. */
  readonly vectors: boolean;
  /** Makes the collection searchable before its first document is written. */
  ensureCollection(collection: string): Promise<void>;
  nearestChunks(
    vector: Float32Array,
    options: { collection: string; model: string; k: number },
  ): Promise<{ id: number; distance: number }[]>;
  close(): Promise<void>;
}
