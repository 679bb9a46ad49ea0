// Retrieval quality, document-level, through Bastion's own search path (what `rag.search`
// serves), beside plain FTS5 BM25 (and with the title weighted ×2) and MiniSearch on the same
// documents, for every corpus present: NFCorpus (test, and dev), business-reports, and the
// known-item collections built from this machine's Debian package descriptions and manual pages.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, POSTGRES_BIN, startPostgres } from '../src/testing/services.ts';
import {
  type CorpusDocument,
  datasetDir,
  evaluate,
  loadCorpus,
  loadQrels,
  loadQueries,
  type Qrels,
  type Scores,
} from './beir.ts';
import { debianPackages, manPages } from './known-item.ts';
import { bastion, miniSearch, plainBm25, type System } from './systems.ts';

const TARGET_NDCG = 0.35;
/** PostgreSQL's ranking may differ from SQLite's (tokenizer details) by at most this. */
const POSTGRES_TOLERANCE = 0.02;

interface Corpus {
  name: string;
  docs: CorpusDocument[];
  queries: Map<string, string>;
  splits: Record<string, Qrels>;
  /** Also measured on PostgreSQL (the known-item collections are not: they test ranking rules). */
  postgres: boolean;
}

function corpora(): Corpus[] {
  const found: Corpus[] = [];
  const nfcorpus = datasetDir('nfcorpus', 'NFCORPUS_DIR');
  if (!nfcorpus) console.log('NFCorpus: skipped (set NFCORPUS_DIR)');
  else {
    found.push({
      name: 'NFCorpus',
      docs: loadCorpus(nfcorpus),
      queries: loadQueries(nfcorpus),
      splits: { test: loadQrels(nfcorpus, 'test'), dev: loadQrels(nfcorpus, 'dev') },
      postgres: true,
    });
  }
  const reports = datasetDir('business-reports', 'BUSINESS_REPORTS_DIR');
  if (reports) {
    found.push({
      name: 'business-reports',
      docs: loadCorpus(reports),
      queries: loadQueries(reports),
      splits: { test: loadQrels(reports, 'test') },
      postgres: true,
    });
  } else console.log('business-reports: skipped (set BUSINESS_REPORTS_DIR)');
  for (const built of [debianPackages(), manPages()]) {
    if ('skipped' in built) console.log(`${built.name}: skipped (${built.skipped})`);
    else found.push({ ...built, postgres: false });
  }
  return found;
}

const list = corpora();
if (list.length === 0) {
  console.log(
    'retrieval eval: skipped (no corpus found; set NFCORPUS_DIR or BUSINESS_REPORTS_DIR)',
  );
  process.exit(0);
}

const f4 = (n: number) => n.toFixed(4);
console.log('| corpus | split | system | nDCG@10 | recall@100 | q/s |');
console.log('|---|---|---|---|---|---|');
const verdicts: string[] = [];
// The same search path on PostgreSQL, on a throwaway cluster when its programs are installed.
const postgres = existsSync(join(POSTGRES_BIN, 'postgres')) ? await startPostgres() : null;
if (!postgres) console.log(`(PostgreSQL not installed under ${POSTGRES_BIN}: its row is skipped)`);
try {
  for (const [n, corpus] of list.entries()) {
    const systems: System[] = [
      await bastion(corpus.docs),
      plainBm25(corpus.docs),
      plainBm25(corpus.docs, 2),
      miniSearch(corpus.docs),
    ];
    if (postgres && corpus.postgres) {
      const databaseUrl = await createDatabase(postgres.url, `eval_${n}`);
      systems.push(await bastion(corpus.docs, { databaseUrl }));
    }
    const results = new Map<string, Map<string, Scores>>();
    for (const system of systems) {
      const perSplit = new Map<string, Scores>();
      results.set(system.label, perSplit);
      for (const [split, qrels] of Object.entries(corpus.splits)) {
        const s = await evaluate(qrels, corpus.queries, system.search);
        perSplit.set(split, s);
        console.log(
          `| ${corpus.name} | ${split} (${s.queries} q) | ${system.label} | ${f4(s.ndcg10)} | ${f4(s.recall100)} | ${s.queriesPerSecond.toFixed(0)} |`,
        );
      }
      await system.close();
    }
    const [ours, plain, , , onPostgres] = systems.map((s) => results.get(s.label)?.get('test'));
    if (ours && onPostgres) {
      const gap = onPostgres.ndcg10 - ours.ndcg10;
      verdicts.push(
        `${corpus.name} test nDCG@10 on PostgreSQL: ${f4(onPostgres.ndcg10)} vs SQLite ${f4(ours.ndcg10)} ` +
          `(${gap >= 0 ? '+' : ''}${f4(gap)}); target within ${POSTGRES_TOLERANCE}: ${Math.abs(gap) <= POSTGRES_TOLERANCE ? 'met' : 'NOT met'}`,
      );
    }
    if (ours && plain) {
      const target = corpus.name === 'NFCorpus' ? ` and ≥ ${TARGET_NDCG}` : '';
      const met = ours.ndcg10 >= plain.ndcg10 && (target === '' || ours.ndcg10 >= TARGET_NDCG);
      verdicts.push(
        `${corpus.name} test nDCG@10: Bastion ${f4(ours.ndcg10)} vs plain BM25 ${f4(plain.ndcg10)} ` +
          `(×${(ours.ndcg10 / plain.ndcg10).toFixed(3)}); target ≥ plain BM25${target}: ${met ? 'met' : 'NOT met'}`,
      );
    }
  }
} finally {
  await postgres?.stop();
}
console.log(`\n${verdicts.join('\n')}`);
