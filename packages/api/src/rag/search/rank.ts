import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { LexicalStats } from '../../storage/lexical.ts';
import type { ScoredChunk } from './bm25.ts';
import { expansionTerms, FEEDBACK } from './expansion.ts';
import { queryTerms } from './terms.ts';

export interface Ranking {
  chunks: ScoredChunk[];
  /** The query's own terms, for highlighting. */
  terms: string[];
}

/**
 * Lexical ranking: BM25 over the query's terms, then (with `expand`, for queries short enough to
 * gain from it) a second BM25 pass over feedback terms, fused as
 * score = bm25(query) + w · bm25(expansion).
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
  return { chunks: ranked.slice(0, k), terms };
}
