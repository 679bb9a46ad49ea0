// BEIR-format test collections (NFCorpus, business-reports) and trec_eval-style metrics, shared
// by the retrieval eval, the tuning script and the bench.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

export type Qrels = Map<string, Map<string, number>>;

/**
 * A dataset's folder: the environment variable (e.g. `NFCORPUS_DIR`), else
 * `shared/datasets/<name>` beside the repository; null when absent.
 */
export function datasetDir(name: string, variable: string): string | null {
  const dir =
    process.env[variable] ??
    fileURLToPath(new URL(`../../../../shared/datasets/${name}`, import.meta.url));
  return existsSync(join(dir, 'corpus.jsonl')) ? dir : null;
}

/** mulberry32: a small seeded PRNG, so every run draws the same sample. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function nfcorpusDir(): string | null {
  return datasetDir('nfcorpus', 'NFCORPUS_DIR');
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

export function loadCorpus(dir: string): CorpusDocument[] {
  return jsonLines<{ _id: string; title?: string; text?: string }>(join(dir, 'corpus.jsonl')).map(
    (d) => ({ id: d._id, title: d.title ?? '', text: d.text ?? '' }),
  );
}

export function loadQueries(dir: string): Map<string, string> {
  const rows = jsonLines<{ _id: string; text: string }>(join(dir, 'queries.jsonl'));
  return new Map(rows.map((q) => [q._id, q.text]));
}

export function loadQrels(dir: string, split: 'train' | 'dev' | 'test'): Qrels {
  const qrels: Qrels = new Map();
  const lines = readFileSync(join(dir, 'qrels', `${split}.tsv`), 'utf8')
    .trim()
    .split('\n');
  for (const line of lines.slice(1)) {
    const [query, doc, grade] = line.split('\t');
    if (!query || !doc) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)?.set(doc, Number(grade));
  }
  return qrels;
}

/** nDCG@10 with linear gain and log2 discount, as trec_eval's ndcg_cut.10 computes it. */
export function ndcgAt10(ranked: readonly string[], judged: Map<string, number>): number {
  const dcg = ranked
    .slice(0, 10)
    .reduce((sum, doc, i) => sum + (judged.get(doc) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...judged.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

export function recallAt100(ranked: readonly string[], judged: Map<string, number>): number {
  const relevant = [...judged.entries()].filter(([, g]) => g > 0).map(([doc]) => doc);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, 100));
  return relevant.filter((doc) => top.has(doc)).length / relevant.length;
}

export interface Scores {
  queries: number;
  ndcg10: number;
  recall100: number;
  queriesPerSecond: number;
}

/** Runs every judged query through `search` (document ids, best first) and averages the metrics. */
export async function evaluate(
  qrels: Qrels,
  queries: Map<string, string>,
  search: (query: string) => Promise<string[]> | string[],
): Promise<Scores> {
  let ndcg = 0;
  let recall = 0;
  let count = 0;
  let elapsed = 0;
  for (const [id, judged] of qrels) {
    const text = queries.get(id);
    if (text === undefined) continue;
    const started = performance.now();
    const ranked = await search(text);
    elapsed += performance.now() - started;
    ndcg += ndcgAt10(ranked, judged);
    recall += recallAt100(ranked, judged);
    count++;
  }
  return {
    queries: count,
    ndcg10: ndcg / count,
    recall100: recall / count,
    queriesPerSecond: count / (elapsed / 1000),
  };
}
