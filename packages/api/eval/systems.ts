// The retrieval systems the eval compares, each over the same BEIR documents: Bastion's knowledge
// base through its own search path, plain FTS5 BM25 and MiniSearch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { KnowledgeBase } from '../src/rag/knowledge-base.ts';
import { anyOf, words } from '../src/rag/search/terms.ts';
import type { CorpusDocument } from './beir.ts';

/** Documents ranked per query (recall@100). */
export const DEPTH = 100;

export interface System {
  label: string;
  /** Document ids, best first. */
  search: (query: string) => Promise<string[]> | string[];
  close: () => Promise<void>;
}

/**
 * Bastion as the API serves it: documents ingested as `rag.ingest` stores them (path = id), ranked
 * by `search` with one hit per document (the `rag.search` path without the HTTP layer).
 */
export async function bastion(
  docs: readonly CorpusDocument[],
  options: { queryExpansion?: boolean; databaseUrl?: string } = {},
): Promise<System & { kb: KnowledgeBase }> {
  const tmp = mkdtempSync(join(tmpdir(), 'bastion-eval-'));
  try {
    const kb = await KnowledgeBase.open({ databasePath: join(tmp, 'eval.sqlite'), ...options });
    const started = performance.now();
    const summary = await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: docs.map((d) => ({
        path: d.id,
        title: d.title,
        content: d.text,
        mimeType: 'text/plain',
      })),
    });
    const ingestS = (performance.now() - started) / 1000;
    return {
      kb,
      label: `Bastion rag.search${options.databaseUrl ? ' on PostgreSQL' : ''} (${summary.chunks} chunks, ingest ${ingestS.toFixed(1)} s)`,
      search: async (q) =>
        (await kb.search(q, { k: DEPTH, snippets: false })).hits.map((h) => h.path),
      close: async () => {
        await kb.close();
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The baseline that does nothing clever: one FTS5 row per document (same tokenizer), bm25() with
 * equal column weights (or the title's `titleWeight` times the text's), every query word OR-ed.
 */
export function plainBm25(docs: readonly CorpusDocument[], titleWeight = 1): System {
  const db = new BetterSqlite3(':memory:');
  db.exec(
    "create virtual table docs using fts5(title, text, tokenize = 'porter unicode61 remove_diacritics 2')",
  );
  const insert = db.prepare('insert into docs (rowid, title, text) values (?, ?, ?)');
  db.transaction(() => {
    for (const [i, d] of docs.entries()) insert.run(i + 1, d.title, d.text);
  })();
  const select = db.prepare<[string, number, number], { id: number }>(
    'select rowid as id from docs where docs match ? order by bm25(docs, ?, 1) limit ?',
  );
  return {
    label: `plain FTS5 BM25 (OR of every query word${titleWeight === 1 ? '' : `, title ×${titleWeight}`})`,
    search: (q) => {
      const terms = [...new Set(words(q))];
      if (terms.length === 0) return [];
      return select.all(anyOf(terms), titleWeight, DEPTH).map((r) => docs[r.id - 1]?.id ?? '');
    },
    close: async () => {
      db.close();
    },
  };
}

export function miniSearch(docs: readonly CorpusDocument[]): System {
  const index = new MiniSearch<CorpusDocument>({ fields: ['title', 'text'], idField: 'id' });
  index.addAll(docs as CorpusDocument[]);
  return {
    label: 'MiniSearch (defaults)',
    search: (q) =>
      index
        .search(q)
        .slice(0, DEPTH)
        .map((r) => String(r.id)),
    close: async () => {},
  };
}
