import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { bm25TopK, type ScoredChunk } from './bm25.ts';
import { expansionTerms, FEEDBACK } from './expansion.ts';
import type { TermStats } from './term-stats.ts';
import { queryTerms } from './terms.ts';

export interface Ranking {
  chunks: ScoredChunk[];
  /** The query's own terms, for highlighting. */
  terms: string[];
}

/**
 * Lexical ranking: BM25 over the query's terms, then (with `expand`) a second BM25 pass over
 * feedback terms, fused as score = bm25(query) + w · bm25(expansion).
 */
export async function rankChunks(
  db: Kysely<Database>,
  stats: TermStats,
  query: string,
  { collection, k, expand }: { collection: string; k: number; expand: boolean },
): Promise<Ranking> {
  const terms = queryTerms(query);
  if (terms.length === 0) return { chunks: [], terms };
  await stats.refresh();
  const index = await stats.collection(collection);
  if (!index) return { chunks: [], terms };
  const depth = expand ? Math.max(k, FEEDBACK.chunks) : k;
  const first = await bm25TopK(db, index, terms, { k: depth });
  if (!expand || first.length === 0) return { chunks: first.slice(0, k), terms };

  const extra = await expansionTerms(db, index, terms, first.slice(0, FEEDBACK.chunks));
  if (extra.length === 0) return { chunks: first.slice(0, k), terms };
  // A chunk found only by the expansion needs w · score above the first pass's k-th score.
  const kth = first.length >= depth ? (first[depth - 1]?.score ?? 0) : 0;
  const second = await bm25TopK(db, index, extra, {
    k: depth,
    floor: kth / FEEDBACK.weight,
  });
  const fused = new Map(first.map((c) => [c.id, c.score]));
  for (const c of second) fused.set(c.id, (fused.get(c.id) ?? 0) + FEEDBACK.weight * c.score);
  const chunks = [...fused.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
  return { chunks, terms };
}
