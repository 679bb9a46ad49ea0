import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { IndexTables } from './collection-index.ts';
import type { IndexStats } from './term-stats.ts';
import { anyOf } from './terms.ts';

export interface ScoredChunk {
  id: number;
  /** BM25, higher is better. */
  score: number;
}

/**
 * Column weights for bm25(): the title path (document title › headings) counts double (NFCorpus
 * train and dev nDCG@10 best at 2 among 1, 2 and 3; DBpedia-style titles gain from it too).
 */
const TITLE_WEIGHT = 2;
const BODY_WEIGHT = 1;
/** FTS5's fixed BM25 saturation: one term adds at most idf × (k1 + 1) to a score. */
export const K1 = 1.2;

/** The `limit` best chunks of a collection's index for an FTS5 `match` expression, by bm25(). */
export async function bestMatches(
  db: Kysely<Database>,
  match: string,
  { fts }: IndexTables,
  limit: number,
): Promise<ScoredChunk[]> {
  const { rows } = await sql<ScoredChunk>`
    select rowid as id, bm25(${fts}, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) as score
    from ${fts} where ${fts} match ${match}
    order by score limit ${limit}`.execute(db);
  // bm25() is negated so that better matches sort first.
  return rows.map((r) => ({ id: r.id, score: -r.score }));
}

/** bm25()'s idf floor: FTS5 weighs a term in more than half of all chunks at this. */
export const IDF_FLOOR = 1e-6;
/** The probe that sets θ reads the rarest terms' matches up to about this many rows. */
const PROBE_ROWS = 4_000;

interface Term {
  term: string;
  df: number;
  /** The most one occurrence pattern of the term can add to a chunk's score. */
  bound: number;
}

/**
 * The terms worth scoring, rarest first. A term at the idf floor adds at most 2.2e-6 to any score
 * but costs a scan of most of the index, so it is dropped unless nothing else is left.
 */
async function scoredTerms(stats: IndexStats, terms: readonly string[]): Promise<Term[]> {
  const present: (Term & { idf: number })[] = [];
  for (const term of terms) {
    const df = await stats.documentFrequency(term);
    if (df === 0) continue;
    const idf = await stats.idf(term);
    present.push({ term, df, idf, bound: idf * (K1 + 1) });
  }
  const useful = present.filter((p) => p.idf > IDF_FLOOR);
  return (useful.length > 0 ? useful : present).sort((a, b) => b.bound - a.bound);
}

/**
 * The rarest terms, up to a budget of matching rows (at least one term). Their top k scores are
 * partial sums of the full query's, so the k-th of them is a lower bound θ of the k-th best full
 * score, and it costs little because rare terms match few rows.
 */
function probeTerms(sorted: readonly Term[], budget: number): Term[] {
  const probe: Term[] = [];
  let rows = 0;
  for (const t of sorted) {
    if (probe.length > 0 && rows + t.df > budget) break;
    probe.push(t);
    rows += t.df;
  }
  return probe;
}

/** `score` cannot reach θ; a hair of slack keeps floating-point rounding from pruning a tie. */
function below(score: number, theta: number): boolean {
  return score < theta * (1 - 1e-9);
}

/** Whether chunks holding only `terms` can score θ (tight bounds only when loose ones can). */
async function reaches(stats: IndexStats, terms: readonly Term[], theta: number): Promise<boolean> {
  if (
    below(
      terms.reduce((sum, t) => sum + t.bound, 0),
      theta,
    )
  )
    return false;
  let sum = 0;
  for (const t of terms) sum += await stats.bestScore(t.term);
  return !below(sum, theta);
}

export interface TopKOptions {
  k: number;
  /** Only chunks scoring at least this matter to the caller (0: any). */
  floor?: number;
  /** Row budget of the θ probe (default PROBE_ROWS). */
  probeRows?: number;
}

/**
 * The BM25 top `k` chunks of a collection's index (`stats`) for any of `terms` (OR semantics), found without
 * scoring every match (MaxScore). A probe over the rarest terms gives θ, a lower bound of the
 * k-th best score (unless the caller's floor is higher). Terms whose summed upper bounds stay
 * below θ ("non-essential", typically frequent words) cannot lift a chunk into the top k alone,
 * so only chunks holding an essential term are scored: the top k of `E AND N` (exact scores:
 * bm25() sums every phrase of the query) merged with the top k of `E` alone (exact for chunks
 * without non-essential terms; any other chunk outside the first list cannot reach the top k;
 * skipped when E alone cannot reach θ), so the result equals plain OR ranking over the scored
 * terms.
 */
export async function bm25TopK(
  db: Kysely<Database>,
  stats: IndexStats,
  terms: readonly string[],
  { k, floor = 0, probeRows = PROBE_ROWS }: TopKOptions,
): Promise<ScoredChunk[]> {
  const scope = stats.tables;
  const sorted = await scoredTerms(stats, terms);
  if (sorted.length === 0) return [];

  let theta = floor;
  let probe: { terms: Term[]; top: ScoredChunk[] } | null = null;
  if (theta <= 0 && sorted.length > 1) {
    const rare = probeTerms(sorted, probeRows);
    const top = await bestMatches(db, anyOf(rare.map((t) => t.term)), scope, k);
    // Within the budget with every term: the probe was the whole query.
    if (rare.length === sorted.length) return top;
    probe = { terms: rare, top };
    theta = top.length >= k ? (top[k - 1]?.score ?? 0) : 0;
  }

  // Frequent terms first; a term whose loose bound would make it essential gets its exact best
  // score, which costs one pass over its matches (cached) but at most what scoring it would.
  const nonEssential: Term[] = [];
  let sum = 0;
  for (const t of theta > 0 ? [...sorted].reverse() : []) {
    if (nonEssential.length === sorted.length - 1) break;
    let bound = t.bound;
    if (!below(sum + bound, theta)) bound = await stats.bestScore(t.term);
    if (!below(sum + bound, theta)) break;
    sum += bound;
    nonEssential.push(t);
  }
  // The non-essential terms are the frequent end of `sorted`, so the essential ones are its start
  // (which the reuse of the probe below relies on).
  const essential = sorted.slice(0, sorted.length - nonEssential.length);
  if (nonEssential.length === 0) return bestMatches(db, anyOf(sorted.map((t) => t.term)), scope, k);

  const essentialQuery = anyOf(essential.map((t) => t.term));
  const rest = anyOf(nonEssential.map((t) => t.term));
  const withRest = await bestMatches(db, `(${essentialQuery}) AND (${rest})`, scope, k);
  // The top k of `E` alone (the probe's when it was E): exact for chunks without non-essential
  // terms. A chunk with both is scored low there (its E part only), and when it is missing from
  // the list above, k chunks beat even its full score, so it cannot enter the top k either way.
  // `E NOT N` would list only the first kind, but bm25() reads every phrase's whole posting list
  // (for its idf) in each statement, so naming the frequent N again costs more than it saves.
  const essentialOnly =
    probe?.terms.length === essential.length
      ? probe.top
      : (await reaches(stats, essential, theta))
        ? await bestMatches(db, essentialQuery, scope, k)
        : [];
  // Exact where known (chunks with both kinds of terms), which the E list may hold scored low.
  const exact = new Map(withRest.map((c) => [c.id, c.score]));
  const merged = new Map(essentialOnly.map((c) => [c.id, exact.get(c.id) ?? c.score]));
  for (const [id, score] of exact) merged.set(id, score);
  return [...merged.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
