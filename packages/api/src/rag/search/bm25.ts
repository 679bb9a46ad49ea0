import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { TermStats } from './term-stats.ts';
import { anyOf, ftsPhrase } from './terms.ts';

export interface ScoredChunk {
  id: number;
  /** BM25, higher is better. */
  score: number;
}

/** Column weights for bm25(): the title path (document title › headings) counts double. */
const TITLE_WEIGHT = 2;
const BODY_WEIGHT = 1;
/** FTS5's fixed BM25 saturation: one term adds at most idf × (k1 + 1) to a score. */
const K1 = 1.2;

/** Which chunks a search may return: a collection, or everything when it is the only one. */
interface Scope {
  collection: string;
  wholeIndex: boolean;
}

async function run(
  db: Kysely<Database>,
  match: string,
  scope: Scope,
  limit: number,
): Promise<ScoredChunk[]> {
  const query = scope.wholeIndex
    ? sql<ScoredChunk>`
        select rowid as id, bm25(chunks_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) as score
        from chunks_fts where chunks_fts match ${match}
        order by score limit ${limit}`
    : sql<ScoredChunk>`
        select chunks_fts.rowid as id, bm25(chunks_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) as score
        from chunks_fts join chunks indexed by chunks_collection
          on chunks.collection = ${scope.collection} and chunks.id = chunks_fts.rowid
        where chunks_fts match ${match}
        order by score limit ${limit}`;
  const { rows } = await query.execute(db);
  // bm25() is negated so that better matches sort first.
  return rows.map((r) => ({ id: r.id, score: -r.score }));
}

/**
 * A lower bound of the k-th best score, from the chunks that match every term (their bm25() is
 * already their full score); 0 when fewer than k do.
 */
async function allTermsFloor(
  db: Kysely<Database>,
  terms: readonly string[],
  scope: Scope,
  k: number,
): Promise<number> {
  if (terms.length < 2) return 0;
  const all = await run(db, terms.map(ftsPhrase).join(' AND '), scope, k);
  return all.length >= k ? (all[k - 1]?.score ?? 0) : 0;
}

export interface TopKOptions {
  collection: string;
  k: number;
  /** Only chunks scoring at least this matter to the caller (0: any). */
  floor?: number;
}

/**
 * The BM25 top `k` chunks of a collection for any of `terms` (OR semantics), found without
 * scoring every match (MaxScore): once the top k are known to score at least θ, terms whose
 * summed upper bounds stay below θ ("non-essential", typically frequent words) cannot lift a
 * chunk into the top k alone, so only chunks holding an essential term are scored: the top k of
 * `E AND N` (exact scores: bm25() sums every phrase of the query) merged with the top k of `E`
 * alone (exact for chunks without non-essential terms; any other chunk outside the first list
 * cannot reach the top k), so the result equals plain OR ranking.
 */
export async function bm25TopK(
  db: Kysely<Database>,
  stats: TermStats,
  terms: readonly string[],
  { collection, k, floor = 0 }: TopKOptions,
): Promise<ScoredChunk[]> {
  if (!stats.collections.has(collection)) return [];
  const scope = { collection, wholeIndex: stats.collections.size === 1 };
  const present: { term: string; bound: number }[] = [];
  for (const term of terms) {
    if ((await stats.documentFrequency(term)) === 0) continue;
    present.push({ term, bound: (await stats.idf(term)) * (K1 + 1) });
  }
  if (present.length === 0) return [];

  // The AND query only helps when the caller has no floor of its own.
  const theta =
    floor > 0
      ? floor
      : await allTermsFloor(
          db,
          present.map((p) => p.term),
          scope,
          k,
        );
  const nonEssential: string[] = [];
  let sum = 0;
  for (const p of [...present].sort((a, b) => a.bound - b.bound)) {
    // A hair of slack keeps floating-point rounding from pruning a tie.
    if (theta <= 0 || sum + p.bound >= theta * (1 - 1e-9)) break;
    if (nonEssential.length === present.length - 1) break;
    sum += p.bound;
    nonEssential.push(p.term);
  }
  if (nonEssential.length === 0) return run(db, anyOf(present.map((p) => p.term)), scope, k);

  const essential = anyOf(present.map((p) => p.term).filter((t) => !nonEssential.includes(t)));
  const [withRest, essentialOnly] = [
    await run(db, `(${essential}) AND (${anyOf(nonEssential)})`, scope, k),
    await run(db, essential, scope, k),
  ];
  // Exact where known (chunks with both kinds of terms); the others' essential-only scores are
  // exact too when they hold no non-essential term, and too low to matter when they do.
  const exact = new Map(withRest.map((c) => [c.id, c.score]));
  const merged = new Map(essentialOnly.map((c) => [c.id, exact.get(c.id) ?? c.score]));
  for (const [id, score] of exact) merged.set(id, score);
  return [...merged.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
