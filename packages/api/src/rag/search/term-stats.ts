import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { LexicalIndex, LexicalStats } from '../../storage/lexical.ts';
import { bestMatches, bm25TopK, IDF_FLOOR, type TopKOptions } from './bm25.ts';
import { collectionIndexes, type IndexTables, indexTables } from './collection-index.ts';
import { ftsPhrase, stem } from './terms.ts';

const MAX_CACHED_TERMS = 50_000;

/**
 * One collection's counts for ranking, as FTS5's bm25() sees them in the collection's own index
 * (rows, and rows matching each term), cached until the database changes.
 */
export class IndexStats implements LexicalIndex {
  readonly #db: Kysely<Database>;
  readonly tables: IndexTables;
  /** Chunks in the collection's index. */
  readonly rows: number;
  readonly #df = new Map<string, number>();
  readonly #best = new Map<string, number>();

  constructor(db: Kysely<Database>, tables: IndexTables, rows: number) {
    this.#db = db;
    this.tables = tables;
    this.rows = rows;
  }

  get cachedTerms(): number {
    return this.#df.size;
  }

  /**
   * Chunks holding the term, read from the index's vocabulary by its Porter stem (the `stemmer`
   * package stems as FTS5's porter tokenizer does: every word of the NFCorpus text agrees). A
   * term missing there is counted by a full-text match, so a word is never dropped.
   */
  async documentFrequency(term: string): Promise<number> {
    const cached = this.#df.get(term);
    if (cached !== undefined) return cached;
    const { rows } = await sql<{ doc: number }>`
      select doc from ${this.tables.vocab} where term = ${stem(term)}`.execute(this.#db);
    const n = rows[0] ? Number(rows[0].doc) : await this.#countMatches(term);
    this.#df.set(term, n);
    return n;
  }

  async #countMatches(term: string): Promise<number> {
    const { fts } = this.tables;
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from ${fts} where ${fts} match ${ftsPhrase(term)}`.execute(this.#db);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The highest score the term alone gives any chunk: exactly what it can add to a chunk's score
   * in any query (bm25() sums independent per-phrase parts), a far tighter bound than
   * idf × (k1 + 1). Costs one scoring pass over the term's matches, then is cached.
   */
  async bestScore(term: string): Promise<number> {
    const cached = this.#best.get(term);
    if (cached !== undefined) return cached;
    const [top] = await bestMatches(this.#db, ftsPhrase(term), this.tables, 1);
    const best = top?.score ?? 0;
    this.#best.set(term, best);
    return best;
  }

  /** bm25()'s inverse document frequency (never below a tiny positive floor, as in FTS5). */
  async idf(term: string): Promise<number> {
    const n = await this.documentFrequency(term);
    const idf = Math.log((this.rows - n + 0.5) / (n + 0.5));
    return idf > 0 ? idf : IDF_FLOOR;
  }

  topK(terms: readonly string[], options: TopKOptions) {
    return bm25TopK(this.#db, this, terms, options);
  }
}

/**
 * Every collection's ranking statistics, cached until the database changes: `PRAGMA
 * data_version` moves when another connection commits, `invalidate()` marks this connection's
 * own writes.
 */
export class TermStats implements LexicalStats {
  readonly #db: Kysely<Database>;
  #indexes = new Map<string, number>();
  readonly #collections = new Map<string, IndexStats | null>();
  #seenVersion: number | null = null;
  #stale = true;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  invalidate(): void {
    this.#stale = true;
  }

  /** Brings the cache up to date; call once per search before reading. */
  async refresh(): Promise<void> {
    const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(this.#db);
    const version = rows[0]?.data_version ?? 0;
    if (!this.#stale && version === this.#seenVersion) return;
    this.#indexes = await collectionIndexes(this.#db);
    this.#collections.clear();
    this.#seenVersion = version;
    this.#stale = false;
  }

  /** The statistics of a collection's index; null when it holds no chunks. */
  async collection(id: string): Promise<IndexStats | null> {
    const cached = this.#collections.get(id);
    if (cached !== undefined && (cached?.cachedTerms ?? 0) < MAX_CACHED_TERMS) return cached;
    const n = this.#indexes.get(id);
    let stats: IndexStats | null = null;
    if (n !== undefined) {
      const total = await this.#db
        .selectFrom('chunks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection', '=', id)
        .executeTakeFirst();
      const rows = Number(total?.n ?? 0);
      if (rows > 0) stats = new IndexStats(this.#db, indexTables(n), rows);
    }
    this.#collections.set(id, stats);
    return stats;
  }
}
