import type { Kysely } from 'kysely';
import { idListQuery } from '../../db/id-list-query.ts';
import type { Database } from '../../db/schema.ts';
import type { LexicalIndex } from '../../storage/lexical.ts';
import type { ScoredChunk } from './bm25.ts';
import { ChunkMemo } from './chunk-memo.ts';
import { STOPWORDS } from './stopwords.ts';
import { stem, words } from './terms.ts';

/** Pseudo-relevance feedback (RM3-style) settings, tuned on NFCorpus dev/train, not test. */
export const FEEDBACK = {
  /** Top first-pass chunks read as if relevant. */
  chunks: 10,
  /**
   * Chunks of each pass fused: a fixed depth, so that every k ranks alike (NFCorpus train
   * nDCG@10 with 4 terms: 0.3515 at 20, 0.3516 at 30, 0.3524 at 50, 0.3541 at 100; deeper costs
   * time).
   */
  depth: 50,
  /** Most frequent candidate words considered. */
  candidates: 30,
  /**
   * Expansion terms kept. NFCorpus train (first 1,000 queries) nDCG@10 at a fusion depth of 50:
   * 4 terms 0.3524, 6 0.3537, 8 0.3561 (dev 0.3070, 0.3065, 0.3065); each term costs query time.
   */
  terms: 8,
  /** Words in more than this share of chunks are too common to add (and slow to match). */
  maxChunkShare: 0.05,
  /**
   * The expansion words together match at most this share of the chunks (the heaviest words
   * first; a word that would pass it is skipped): each chunk holding one is scored again, which
   * is most of a feedback query's cost. NFCorpus train / dev nDCG@10: no cap 0.3565 / 0.3073,
   * 0.12 0.3561 / 0.3081, 0.08 0.3574 / 0.3079, 0.05 0.3562 / 0.3081; at 100k chunks the median
   * query scores 4,019 rows without the cap, 2,782 with 0.08 (plain BM25: 1,920).
   */
  maxTotalShare: 0.08,
  /** Weight of the expansion query's score against the original query's. */
  weight: 0.3,
  /**
   * Feedback must earn its place per query: queries with more content words than this are not
   * expanded. Their feedback chunks tend to hold some of the query's aspects and not the others,
   * so expansion drifts toward those (NFCorpus train: +0.026 nDCG@10 for one-word queries, +0.007
   * to +0.009 from three words on; dev and test lose nothing to the gate).
   */
  maxQueryTerms: 4,
};

/**
 * Words that the best first-pass chunks share beyond the query (relevance model: each chunk's
 * word frequencies weighted by its score), reranked by idf so that specific words win. They let
 * a lay query ("heart attack") find text that words things differently ("myocardial infarction").
 */
export async function expansionTerms(
  db: Kysely<Database>,
  stats: LexicalIndex,
  queryTerms: readonly string[],
  feedback: readonly ScoredChunk[],
): Promise<string[]> {
  if (feedback.length === 0) return [];
  const rows = await feedbackRows(
    db,
    feedback.map((f) => f.id),
  );
  const best = feedback[0]?.score ?? 0;
  const weightOf = new Map(feedback.map((f) => [f.id, Math.exp(f.score - best)]));
  // The index matches stems, so a word that stems like a query word ("strokes", "stroke") or like
  // a better candidate only repeats it.
  const seen = new Set(queryTerms.map(stem));
  const relevance = new Map<string, number>();
  for (const row of rows) {
    const { distinct, counts, tokens } = FEEDBACK_WORDS.get(
      row.id,
      `${row.title} ${row.body}`,
      contentWordCounts,
    );
    const share = (weightOf.get(row.id) ?? 0) / Math.max(1, tokens);
    distinct.forEach((w, i) => {
      // Added once per occurrence, as summing token by token did: the same sums to the last bit.
      let sum = relevance.get(w) ?? 0;
      for (let n = counts[i] as number; n > 0; n--) sum += share;
      relevance.set(w, sum);
    });
  }
  const ranked: [string, number, number][] = [];
  for (const [word, weight] of heaviest(relevance, FEEDBACK.candidates)) {
    const wordStem = stem(word);
    if (seen.has(wordStem)) continue;
    seen.add(wordStem);
    const df = await stats.documentFrequency(word);
    if (df === 0 || df > stats.rows * FEEDBACK.maxChunkShare) continue;
    ranked.push([word, weight * (await stats.idf(word)), df]);
  }
  const chosen: string[] = [];
  let budget = stats.rows * FEEDBACK.maxTotalShare;
  for (const [word, , df] of ranked.sort((a, b) => b[1] - a[1])) {
    if (chosen.length === FEEDBACK.terms) break;
    if (df > budget) continue;
    budget -= df;
    chosen.push(word);
  }
  return chosen;
}

const feedbackRows = idListQuery((db, ids) =>
  db.selectFrom('chunks').select(['id', 'title', 'body']).where('id', 'in', ids),
);

/** A chunk's content words: each distinct word in order of first use, with its count. */
interface WordCounts {
  distinct: string[];
  counts: number[];
  /** Content words in all (the relevance model's document length). */
  tokens: number;
}

/** Tokenising the ten feedback chunks was a quarter of retrieval; they recur across questions. */
const FEEDBACK_WORDS = new ChunkMemo<WordCounts>({ maxEntries: 500, maxChars: 2_000_000 });

function contentWordCounts(text: string): WordCounts {
  const at = new Map<string, number>();
  const counts: number[] = [];
  let tokens = 0;
  for (const w of words(text)) {
    if (!isContentWord(w)) continue;
    tokens++;
    const i = at.get(w);
    if (i === undefined) {
      at.set(w, counts.length);
      counts.push(1);
    } else counts[i] = (counts[i] as number) + 1;
  }
  return { distinct: [...at.keys()], counts, tokens };
}

/** Neither a stopword nor a number: a word that may say what a text is about. */
function isContentWord(word: string): boolean {
  if (STOPWORDS.has(word)) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return true;
  }
  return false;
}

/**
 * The `n` entries of highest weight, heaviest first, ties in insertion order: what a stable sort
 * of all entries would start with, without sorting the hundreds of words of ten chunks.
 */
function heaviest(weights: ReadonlyMap<string, number>, n: number): [string, number][] {
  const top: [string, number][] = [];
  for (const entry of weights) {
    if (top.length === n && entry[1] <= (top[n - 1]?.[1] ?? 0)) continue;
    let at = top.length;
    while (at > 0 && (top[at - 1]?.[1] ?? 0) < entry[1]) at--;
    top.splice(at, 0, entry);
    if (top.length > n) top.pop();
  }
  return top;
}
