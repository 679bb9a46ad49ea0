import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { IDF_FLOOR, K1, type ScoredChunk, type TopKOptions } from '../rag/search/bm25.ts';
import type { LexicalIndex, LexicalStats } from './lexical.ts';

/** FTS5's fixed BM25 length normalisation. */
const B = 0.75;
const MAX_CACHED_TERMS = 50_000;

interface TermInfo {
  /** The lexeme the `bastion` configuration makes of the word, or null when it makes none. */
  lexeme: string | null;
  df: number;
}

/**
 * One collection's BM25 over PostgreSQL: each query term's postings (`chunk_terms`: weighted
 * frequency and chunk length) are summed per chunk with idf and the average length from the
 * statistics tables, so scores follow FTS5's bm25() formula with the same column weights.
 */
class PostgresIndex implements LexicalIndex {
  readonly #db: Kysely<Database>;
  readonly #collection: string;
  readonly rows: number;
  readonly #avgLength: number;
  readonly #terms = new Map<string, TermInfo>();

  constructor(db: Kysely<Database>, collection: string, rows: number, tokens: number) {
    this.#db = db;
    this.#collection = collection;
    this.rows = rows;
    this.#avgLength = Math.max(1, tokens / rows);
  }

  get cachedTerms(): number {
    return this.#terms.size;
  }

  /** Lexemes and document frequencies of words, in one round trip for those not cached. */
  async #lookup(words: readonly string[]): Promise<TermInfo[]> {
    const missing = [...new Set(words.filter((w) => !this.#terms.has(w)))];
    if (missing.length > 0) {
      const { rows } = await sql<{ word: string; lexeme: string | null; df: number | null }>`
        select w.word, l.lexeme, t.df
        from unnest(${missing}::text[]) as w(word)
        left join lateral (
          select lexeme from unnest(to_tsvector('bastion', w.word)) limit 1
        ) l on true
        left join term_stats t on t.collection = ${this.#collection} and t.term = l.lexeme
      `.execute(this.#db);
      for (const r of rows) {
        this.#terms.set(r.word, { lexeme: r.lexeme, df: Math.max(0, Number(r.df ?? 0)) });
      }
    }
    return words.map((w) => this.#terms.get(w) ?? { lexeme: null, df: 0 });
  }

  async documentFrequency(term: string): Promise<number> {
    const [info] = await this.#lookup([term]);
    return info?.df ?? 0;
  }

  #idfOf(df: number): number {
    const idf = Math.log((this.rows - df + 0.5) / (df + 0.5));
    return idf > 0 ? idf : IDF_FLOOR;
  }

  async idf(term: string): Promise<number> {
    return this.#idfOf(await this.documentFrequency(term));
  }

  async topK(terms: readonly string[], { k }: TopKOptions): Promise<ScoredChunk[]> {
    const infos = await this.#lookup(terms);
    const present = infos
      .filter((t): t is TermInfo & { lexeme: string } => t.lexeme !== null && t.df > 0)
      .map((t) => ({ lexeme: t.lexeme, idf: this.#idfOf(t.df) }));
    // As with FTS5: a term in more than half the chunks adds nearly nothing but matches most rows.
    const useful = present.filter((t) => t.idf > IDF_FLOOR);
    const scored = useful.length > 0 ? useful : present;
    if (scored.length === 0) return [];
    // Two words with one stem are two phrases to FTS5: their idfs add up.
    const idfs = new Map<string, number>();
    for (const t of scored) idfs.set(t.lexeme, (idfs.get(t.lexeme) ?? 0) + t.idf);
    const { rows } = await sql<{ id: number; score: number }>`
      with q as (
        select * from unnest(${[...idfs.keys()]}::text[], ${[...idfs.values()]}::float8[])
          as q(term, idf)
      )
      select p.chunk_id as id, sum(
        q.idf * p.frequency * ${K1 + 1}::float8
          / (p.frequency + ${K1}::float8
            * (${1 - B}::float8 + ${B}::float8 * p.tokens / ${this.#avgLength}::float8))
      ) as score
      from q join chunk_terms p on p.collection = ${this.#collection} and p.term = q.term
      group by p.chunk_id
      order by score desc, p.chunk_id
      limit ${k}::integer`.execute(this.#db);
    return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
  }
}

/**
 * Every collection's statistics on PostgreSQL. Other replicas write too, so each search reads
 * the collection's row of `collection_stats` (one indexed row) and drops its cached frequencies
 * when the version moved.
 */
export class PostgresStats implements LexicalStats {
  readonly #db: Kysely<Database>;
  readonly #collections = new Map<string, { version: number; index: PostgresIndex }>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  invalidate(): void {
    this.#collections.clear();
  }

  async refresh(): Promise<void> {}

  async collection(id: string): Promise<LexicalIndex | null> {
    const { rows } = await sql<{ chunks: number; tokens: number; version: number }>`
      select chunks, tokens, version from collection_stats where collection = ${id}`.execute(
      this.#db,
    );
    const row = rows[0];
    if (!row || Number(row.chunks) <= 0) {
      this.#collections.delete(id);
      return null;
    }
    const version = Number(row.version);
    const cached = this.#collections.get(id);
    if (cached && cached.version === version && cached.index.cachedTerms < MAX_CACHED_TERMS) {
      return cached.index;
    }
    const index = new PostgresIndex(this.#db, id, Number(row.chunks), Number(row.tokens));
    this.#collections.set(id, { version, index });
    return index;
  }
}
