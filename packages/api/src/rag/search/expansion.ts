import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ScoredChunk } from './bm25.ts';
import { STOPWORDS } from './stopwords.ts';
import type { IndexStats } from './term-stats.ts';
import { words } from './terms.ts';

/** Pseudo-relevance feedback (RM3-style) settings, tuned on NFCorpus dev/train, not test. */
export const FEEDBACK = {
  /** Top first-pass chunks read as if relevant. */
  chunks: 10,
  /** Most frequent candidate words considered, and how many expansion terms are kept. */
  candidates: 30,
  /** Dev nDCG@10: 3 terms 0.304, 4 0.308, 6 0.308, 8 0.309; each term costs query time. */
  terms: 4,
  /** Words in more than this share of chunks are too common to add (and slow to match). */
  maxChunkShare: 0.05,
  /** Weight of the expansion query's score against the original query's. */
  weight: 0.3,
};

/**
 * Words that the best first-pass chunks share beyond the query (relevance model: each chunk's
 * word frequencies weighted by its score), reranked by idf so that specific words win. They let
 * a lay query ("heart attack") find text that words things differently ("myocardial infarction").
 */
export async function expansionTerms(
  db: Kysely<Database>,
  stats: IndexStats,
  queryTerms: readonly string[],
  feedback: readonly ScoredChunk[],
): Promise<string[]> {
  if (feedback.length === 0) return [];
  const rows = await db
    .selectFrom('chunks')
    .select(['id', 'title', 'body'])
    .where(
      'id',
      'in',
      feedback.map((f) => f.id),
    )
    .execute();
  const best = feedback[0]?.score ?? 0;
  const weightOf = new Map(feedback.map((f) => [f.id, Math.exp(f.score - best)]));
  const exclude = new Set(queryTerms);
  const relevance = new Map<string, number>();
  for (const row of rows) {
    const tokens = words(`${row.title} ${row.body}`).filter(
      (w) => !STOPWORDS.has(w) && !/^\d+$/.test(w),
    );
    const share = (weightOf.get(row.id) ?? 0) / Math.max(1, tokens.length);
    for (const w of tokens) if (!exclude.has(w)) relevance.set(w, (relevance.get(w) ?? 0) + share);
  }
  const candidates = [...relevance.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, FEEDBACK.candidates);
  const ranked: [string, number][] = [];
  for (const [word, weight] of candidates) {
    const df = await stats.documentFrequency(word);
    if (df === 0 || df > stats.rows * FEEDBACK.maxChunkShare) continue;
    ranked.push([word, weight * (await stats.idf(word))]);
  }
  return ranked
    .sort((a, b) => b[1] - a[1])
    .slice(0, FEEDBACK.terms)
    .map(([w]) => w);
}
