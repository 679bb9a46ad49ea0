import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { LexicalStats } from '../../storage/lexical.ts';
import type { ScoredChunk } from './bm25.ts';
import { expansionTerms, FEEDBACK } from './expansion.ts';
import { queryTerms } from './terms.ts';

/** How far feedback may move a chunk down: from the first pass's r-th place to MAX_DEMOTION × r. */
const MAX_DEMOTION = 2;

export interface Ranking {
  chunks: ScoredChunk[];
  /** The query's own terms, for highlighting. */
  terms: string[];
}

/**
 * Lexical ranking: BM25 over the query's terms, then (with `expand`, for queries short enough to
 * gain from it) a second BM25 pass over feedback terms, fused as
 * score = bm25(query) + w · bm25(expansion), within bounds on how far a chunk may fall.
 */
export async function rankChunks(
  db: Kysely<Database>,
  stats: LexicalStats,
  query: string,
  { collection, k, expand }: { collection: string; k: number; expand: boolean },
): Promise<Ranking> {
  const terms = queryTerms(query);
  if (terms.length === 0) return { chunks: [], terms };
  await stats.refresh();
  const index = await stats.collection(collection);
  if (!index) return { chunks: [], terms };
  const feedback = expand && terms.length <= FEEDBACK.maxQueryTerms;
  const first = await index.topK(terms, {
    k: feedback ? Math.max(k, FEEDBACK.depth) : k,
  });
  if (!feedback || first.length === 0) return { chunks: first.slice(0, k), terms };
  const extra = await expansionTerms(db, index, terms, first.slice(0, FEEDBACK.chunks));
  if (extra.length === 0) return { chunks: first.slice(0, k), terms };

  // Fused over a fixed depth, whatever k is, so that a ranking for k is the start of the ranking
  // for any larger k; deeper, the first pass continues. A chunk found only by the expansion
  // enters when w · score beats the first pass at that depth, so scores keep falling.
  const head = first.slice(0, FEEDBACK.depth);
  const last = head.length === FEEDBACK.depth ? (head.at(-1)?.score ?? 0) : 0;
  const second = await index.topK(extra, {
    k: FEEDBACK.depth,
    floor: last / FEEDBACK.weight,
  });
  const fused = new Map(head.map((c) => [c.id, c.score]));
  for (const c of second) fused.set(c.id, (fused.get(c.id) ?? 0) + FEEDBACK.weight * c.score);
  const ranked = [...fused.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
  for (const c of first.slice(FEEDBACK.depth)) if (!fused.has(c.id)) ranked.push(c);
  return { chunks: boundDemotion(first, ranked, k), terms };
}

/**
 * The first `k` of `fused`, except that no chunk falls further than the feedback may move it: the
 * chunk the first pass ranks r-th (from 0) is placed at position MAX_DEMOTION × r or higher, so
 * its best chunk stays first, its second within the top three, its fifth within the top nine.
 *
 * Feedback earns its place on queries worded unlike their answers (a lay question, technical
 * abstracts), and costs on queries whose words are already in their answer (a known item, an
 * entity), whose answer the first pass usually ranks at the top, where expansion words matched
 * by other texts pushed it down. Kept in bounds, expansion still re-ranks and adds below.
 * The bound was chosen on the Debian known-item dev queries (eval/known-item.ts) among the top
 * 1, 3 or 5 kept in place with factors 1.5, 2 or 3 or none; checked on the others, against plain
 * BM25 (nDCG@10, test splits): NFCorpus 0.3518 (unbounded 0.3517, none 0.3285, plain 0.3199),
 * Debian 0.8796 (0.8754, plain 0.8792), manual pages 0.6481 (0.6271, plain 0.6433).
 *
 * A chunk moved up keeps the score of the chunk it went ahead of when that is higher, so that
 * scores still fall from hit to hit.
 */
function boundDemotion(
  first: readonly ScoredChunk[],
  fused: readonly ScoredChunk[],
  k: number,
): ScoredChunk[] {
  const score = new Map(fused.map((c) => [c.id, c.score]));
  const out: ScoredChunk[] = [];
  const placed = new Set<number>();
  let f = 0;
  let g = 0;
  while (out.length < k) {
    while (f < first.length && placed.has((first[f] as ScoredChunk).id)) f++;
    while (g < fused.length && placed.has((fused[g] as ScoredChunk).id)) g++;
    const next = fused[g];
    if (!next) break;
    const due = first[f];
    if (due && Math.floor(MAX_DEMOTION * f) <= out.length && due.id !== next.id) {
      out.push({ id: due.id, score: Math.max(score.get(due.id) ?? due.score, next.score) });
      placed.add(due.id);
    } else {
      out.push(next);
      placed.add(next.id);
    }
  }
  return out;
}
