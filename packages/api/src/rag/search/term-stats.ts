import { type Kysely, sql } from 'kysely';
import { stemmer } from 'stemmer';
import type { Database } from '../../db/schema.ts';
import { bestMatches, IDF_FLOOR } from './bm25.ts';
import { ftsPhrase } from './terms.ts';

const MAX_CACHED_TERMS = 50_000;

/**
 * Index-wide counts for ranking. Document frequencies as FTS5's bm25() sees them (rows matching the term, over the whole
 * index), cached until the database changes: `PRAGMA data_version` moves when another connection
 * commits, `invalidate()` marks this connection's own writes.
 */
export class TermStats {
  readonly #db: Kysely<Database>;
  readonly #df = new Map<string, number>();
  readonly #best = new Map<string, number>();
  #rows = 0;
  #collections = new Set<string>();
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
    if (!this.#stale && version === this.#seenVersion && this.#df.size < MAX_CACHED_TERMS) return;
    this.#df.clear();
    this.#best.clear();
    const total = await this.#db
      .selectFrom('chunks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    this.#rows = Number(total?.n ?? 0);
    const collections = await this.#db
      .selectFrom('documents')
      .select('collection')
      .distinct()
      .execute();
    this.#collections = new Set(collections.map((c) => c.collection));
    this.#seenVersion = version;
    this.#stale = false;
  }

  /** Chunks in the whole index (every collection), as bm25() counts them. */
  get rows(): number {
    return this.#rows;
  }

  /** Collections that hold documents. */
  get collections(): ReadonlySet<string> {
    return this.#collections;
  }

  /**
   * Chunks holding the term, read from the index's vocabulary by its Porter stem (the `stemmer`
   * package stems as FTS5's porter tokenizer does: every word of the NFCorpus text agrees). A
   * term missing there is counted by a full-text match, so a word is never dropped.
   */
  async documentFrequency(term: string): Promise<number> {
    const cached = this.#df.get(term);
    if (cached !== undefined) return cached;
    const entry = await this.#db
      .selectFrom('chunks_vocab')
      .select('doc')
      .where('term', '=', stemmer(term))
      .executeTakeFirst();
    const n = entry ? Number(entry.doc) : await this.#countMatches(term);
    this.#df.set(term, n);
    return n;
  }

  async #countMatches(term: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from chunks_fts where chunks_fts match ${ftsPhrase(term)}`.execute(
      this.#db,
    );
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
    const [top] = await bestMatches(this.#db, ftsPhrase(term), null, 1);
    const best = top?.score ?? 0;
    this.#best.set(term, best);
    return best;
  }

  /** bm25()'s inverse document frequency (never below a tiny positive floor, as in FTS5). */
  async idf(term: string): Promise<number> {
    const n = await this.documentFrequency(term);
    const idf = Math.log((this.#rows - n + 0.5) / (n + 0.5));
    return idf > 0 ? idf : IDF_FLOOR;
  }
}
