// Retrieval quality on BEIR NFCorpus: Bastion's knowledge base beside MiniSearch, same documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { KnowledgeBase } from '../src/rag/knowledge-base.ts';
import {
  type CorpusDocument,
  evaluate,
  loadCorpus,
  loadQrels,
  loadQueries,
  nfcorpusDir,
  type Scores,
} from './nfcorpus.ts';

const TARGET_NDCG = 0.345;
const DEPTH = 100;

const dir = nfcorpusDir();
if (!dir) {
  console.log('retrieval eval: skipped (NFCorpus not found; set NFCORPUS_DIR)');
  process.exit(0);
}

const corpus = loadCorpus(dir);
const queries = loadQueries(dir);
const splits = { dev: loadQrels(dir, 'dev'), test: loadQrels(dir, 'test') };

/** Chunk hits → distinct documents, best chunk first, `DEPTH` of them. */
function documentsOf(paths: readonly string[]): string[] {
  return [...new Set(paths)].slice(0, DEPTH);
}

async function bastion(docs: CorpusDocument[]) {
  const tmp = mkdtempSync(join(tmpdir(), 'bastion-eval-'));
  const kb = await KnowledgeBase.open({ databasePath: join(tmp, 'eval.sqlite') });
  const started = performance.now();
  const summary = await kb.ingest({
    source: 'nfcorpus',
    removeMissing: false,
    documents: docs.map((d) => ({
      path: d.id,
      title: d.title,
      content: d.text,
      mimeType: 'text/plain',
    })),
  });
  const ingestS = (performance.now() - started) / 1000;
  // Twice the depth in chunks, so that documents split into several chunks still fill the list.
  const search = async (q: string) =>
    documentsOf((await kb.search(q, { k: 2 * DEPTH, snippets: false })).hits.map((h) => h.path));
  return {
    label: `Bastion (${summary.chunks} chunks, ingest ${ingestS.toFixed(1)} s)`,
    search,
    close: async () => {
      await kb.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function minisearch(docs: CorpusDocument[]) {
  const index = new MiniSearch<CorpusDocument>({ fields: ['title', 'text'], idField: 'id' });
  const started = performance.now();
  index.addAll(docs);
  const ingestS = (performance.now() - started) / 1000;
  return {
    label: `MiniSearch (defaults, index ${ingestS.toFixed(1)} s)`,
    search: (q: string) =>
      index
        .search(q)
        .slice(0, DEPTH)
        .map((r) => String(r.id)),
    close: async () => {},
  };
}

function row(name: string, split: string, s: Scores): string {
  return `${name.padEnd(44)} ${split.padEnd(5)} nDCG@10 ${s.ndcg10.toFixed(4)}  recall@100 ${s.recall100.toFixed(4)}  ${s.queriesPerSecond.toFixed(0).padStart(5)} q/s  (${s.queries} queries)`;
}

console.log(`NFCorpus: ${corpus.length} documents, ${dir}`);
const results: Record<string, Record<string, Scores>> = {};
for (const system of [await bastion(corpus), minisearch(corpus)]) {
  const perSplit: Record<string, Scores> = {};
  results[system.label] = perSplit;
  for (const [split, qrels] of Object.entries(splits)) {
    const scores = await evaluate(qrels, queries, system.search);
    perSplit[split] = scores;
    console.log(row(system.label, split, scores));
  }
  await system.close();
}

const [ours, theirs] = Object.values(results).map((r) => r.test as Scores);
if (ours && theirs) {
  console.log(
    `test nDCG@10: Bastion ${ours.ndcg10.toFixed(4)} vs MiniSearch ${theirs.ndcg10.toFixed(4)} ` +
      `(×${(ours.ndcg10 / theirs.ndcg10).toFixed(2)}), speed ×${(ours.queriesPerSecond / theirs.queriesPerSecond).toFixed(2)}; ` +
      `target ≥ ${TARGET_NDCG} and ≥ MiniSearch: ` +
      `${ours.ndcg10 >= TARGET_NDCG && ours.ndcg10 >= theirs.ndcg10 ? 'met' : 'NOT met'}`,
  );
}
