import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../src/rag/knowledge-base.ts';
import { nearestChunks } from '../../src/rag/vectors.ts';
import { nearestChunksPgvector } from '../../src/storage/postgres-vectors.ts';
import { fakeEmbedding, startFakeEmbeddings } from '../rag/helpers.ts';
import { cleanup, onCleanup, tempDir } from '../rag/temp.ts';
import { pglitePool } from './pglite.ts';

// pgvector's SQL on PGlite with its `vector` extension (Debian's PostgreSQL has no pgvector).
// PGlite runs initdb in WebAssembly at every start (seconds, more on a busy machine): each
// instance is opened once for the file.

afterAll(cleanup);
const START_MS = 120_000;

const DOCS = [
  { path: 'car.md', content: '# Garage\n\nThe car needs new tyres.' },
  { path: 'dog.md', content: '# Pets\n\nThe dog needs a walk.' },
  { path: 'tea.md', content: '# Kitchen\n\nGreen tea steeps for three minutes.' },
];

async function open(options: Partial<KnowledgeBaseOptions> & { vectors?: boolean }) {
  const { vectors, ...rest } = options;
  const kb = await KnowledgeBase.open({
    databasePath: join(tempDir(), 'kb.sqlite'),
    ...(vectors === undefined
      ? {}
      : { databaseUrl: 'postgres://pglite/bastion', postgresPool: await pglitePool({ vectors }) }),
    ...rest,
  });
  onCleanup(() => kb.close());
  return kb;
}

describe('pgvector (PGlite)', () => {
  let embeddings: Awaited<ReturnType<typeof startFakeEmbeddings>>;
  let pg: KnowledgeBase;
  const config = () => ({ baseURL: embeddings.baseURL, model: 'fake-embed', apiKey: 'k' });
  beforeAll(async () => {
    embeddings = await startFakeEmbeddings();
    pg = await open({ vectors: true, embeddings: config() });
  }, START_MS);

  it('decodes stored float32 bytes exactly, and refuses NaN and infinities as null', async () => {
    const kb = pg;
    const values = new Float32Array([0, -0.5, 1 / 3, 3.4e38, -1.2e-38, 1e-45, 0.1, -7.25]);
    const bytes = new Uint8Array(values.buffer);
    const { rows } = await sql<{ v: number[] | null }>`
      select bastion_float4_array(${bytes}) as v`.execute(kb.database);
    expect(Float32Array.from(rows[0]?.v ?? [])).toEqual(values);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const { rows: refused } = await sql<{ v: number[] | null }>`
        select bastion_float4_array(${new Uint8Array(new Float32Array([1, bad]).buffer)}) as v`.execute(
        kb.database,
      );
      expect(refused[0]?.v).toBeNull();
    }
  });

  it('fuses vector and BM25 rankings, with the distances sqlite-vec computes', async () => {
    const sqlite = await open({ embeddings: config() });
    for (const kb of [pg, sqlite]) {
      await kb.ingest({ source: 'api', removeMissing: false, documents: DOCS });
    }
    // No word in common with car.md: only the vectors (automobile ≈ car) can find it.
    const result = await pg.search('automobile');
    expect(result.mode).toBe('hybrid');
    expect(result.hits[0]?.path).toBe('car.md');
    expect(pg.status().mode).toBe('hybrid');

    const query = Float32Array.from(fakeEmbedding('an automobile and a canine'));
    const options = { collection: 'default', model: 'fake-embed', k: 3 };
    const near = await nearestChunksPgvector(pg.database, query, options);
    const expected = await nearestChunks(sqlite.database, query, options);
    expect(near.map((n) => n.distance)).toHaveLength(3);
    for (const [i, n] of near.entries()) {
      expect(n.distance).toBeCloseTo(expected[i]?.distance ?? Number.NaN, 6);
    }
    // Another model's vectors, or another dimension, are never compared.
    expect(await nearestChunksPgvector(pg.database, query, { ...options, model: 'x' })).toEqual([]);
    expect(await nearestChunksPgvector(pg.database, query.slice(1), options)).toEqual([]);
  });

  it('without the extension searches full text only, and says so', {
    timeout: START_MS,
  }, async () => {
    const before = embeddings.requests.length;
    const warnings: string[] = [];
    const kb = await open({
      vectors: false,
      embeddings: config(),
      log: { warn: (_fields: object, message: string) => warnings.push(message) },
    });
    expect(warnings).toContain('this database has no vector search; retrieval is full-text only');
    await kb.ingest({ source: 'api', removeMissing: false, documents: DOCS });
    expect(embeddings.requests).toHaveLength(before);
    const result = await kb.search('car tyres');
    expect(result.mode).toBe('fts');
    expect(result.hits[0]?.path).toBe('car.md');
  });
});
