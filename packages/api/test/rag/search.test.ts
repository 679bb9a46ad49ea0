import { sql } from 'kysely';
import { stemmer } from 'stemmer';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/db/database.ts';
import { bm25TopK, IDF_FLOOR } from '../../src/rag/search/bm25.ts';
import { ensureCollectionIndex } from '../../src/rag/search/collection-index.ts';
import { expansionTerms, FEEDBACK } from '../../src/rag/search/expansion.ts';
import { type IndexStats, TermStats } from '../../src/rag/search/term-stats.ts';
import { anyOf, queryTerms, words } from '../../src/rag/search/terms.ts';
import { storageUnderTest } from '../storage.ts';
import { cleanup, openKnowledgeBase, startFakeEmbeddings, tempDir } from './helpers.ts';

afterEach(cleanup);

const GITHUB_TOKEN = ['ghp', 'Zq8X2vN4mB6kL1pR9tY3wE5uI7oA0sD2fG4h'].join('_');

async function sampleBase() {
  const kb = await openKnowledgeBase();
  await kb.ingest({
    source: 'api',
    removeMissing: false,
    documents: [
      { path: 'rotation.md', content: '# Key rotation\n\nRotate the deploy keys every quarter.' },
      { path: 'mention.md', content: '# Misc\n\nSome words, and a note that rotation exists.' },
      { path: 'tokens.md', content: `# Tokens\n\nThe CI token is ${GITHUB_TOKEN} for deploys.` },
      { path: 'quotes.md', content: '# Quotes\n\nShe said "hello" AND left; NEAR the door.' },
    ],
  });
  return kb;
}

/** Chunks of one document in collection `c`, written straight to the tables. */
async function insertChunks(storage: Storage, chunks: { title: string; body: string }[]) {
  await ensureCollectionIndex(storage.db, 'c');
  const { id } = await storage.db
    .insertInto('documents')
    .values({
      collection: 'c',
      source: 's',
      path: 'p',
      title: 't',
      url: null,
      mime_type: 'text/plain',
      content_hash: 'h',
      bytes: 0,
      chunk_count: 0,
      embedding_model: null,
      ingested_at: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < chunks.length; i += 200) {
    await storage.db
      .insertInto('chunks')
      .values(
        chunks
          .slice(i, i + 200)
          .map((c, j) => ({ document_id: id, collection: 'c', ordinal: i + j, ...c })),
      )
      .execute();
  }
}

/** Collection `c`'s ranking statistics. */
async function statsOfC(storage: Storage): Promise<IndexStats> {
  const stats = new TermStats(storage.db);
  await stats.refresh();
  const index = await stats.collection('c');
  if (!index) throw new Error('collection c has no index');
  return index;
}

describe('search', () => {
  it('ranks title matches above body matches and highlights terms in snippets', async () => {
    const kb = await sampleBase();
    const { hits, mode } = await kb.search('rotation');
    expect(mode).toBe('fts');
    expect(hits.map((h) => h.path)).toEqual(['rotation.md', 'mention.md']);
    expect(hits[0]).toMatchObject({ title: 'Key rotation', documentId: expect.any(Number) });
    expect(hits[1]?.snippet).toContain('**rotation**');
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Infinity);
  });

  it('redacts secrets from snippets and passage text', async () => {
    const kb = await sampleBase();
    const [hit] = (await kb.search('CI token deploys')).hits;
    expect(hit?.path).toBe('tokens.md');
    expect(hit?.snippet).not.toContain(GITHUB_TOKEN);
    expect(hit?.snippet).toContain('[REDACTED');
    const [passage] = await kb.retrieve('CI token deploys');
    expect(passage).toMatchObject({ path: 'tokens.md', id: String(hit?.chunkId) });
    expect(passage?.text).not.toContain(GITHUB_TOKEN);
    expect(passage?.text).toContain('for deploys');
  });

  it('treats FTS5 syntax, quotes, NUL and huge input as plain words, never as query syntax', async () => {
    const kb = await sampleBase();
    const hostile = [
      '"',
      '"unterminated',
      'hello AND',
      'NEAR(hello door, 1)',
      'title:rotation',
      '{title body}: rotation',
      '* OR ^rotation',
      'rotation NOT',
      '-rotation',
      '\u0000rotation\u0000',
      ')(',
      'hello" OR "1"="1',
      '🙂 ☃',
      'the and of',
      '',
      'x'.repeat(100_000),
      'word '.repeat(20_000),
    ];
    for (const query of hostile) {
      const result = await kb.search(query);
      expect(Array.isArray(result.hits), query.slice(0, 20)).toBe(true);
    }
    expect((await kb.search('title:rotation')).hits.map((h) => h.path)).toEqual([
      'rotation.md',
      'mention.md',
    ]);
    expect((await kb.search('"hello" AND left')).hits.map((h) => h.path)).toEqual(['quotes.md']);
    expect((await kb.search('\u0000rotation\u0000')).hits[0]?.path).toBe('rotation.md');
  });

  it('splits text into words as a plain Unicode split of the folded text does', () => {
    const reference = (text: string) =>
      text
        .toLowerCase()
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .replace(/['’]s\b/g, '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 1 && w.length <= 64);
    for (const text of [
      'Plain ASCII, with e-mail, a.b, 3.5 and x_y; Émile’s café.',
      'GalaxolideTM and CO₂: ™ ½ ① ﬁle straße İstanbul ΣΑΣ',
      'Guillain-Barré – “quoted” … 日本語テキスト مرحبا emoji😀word 𝐀𝐁 a\u200bb',
      `${'x'.repeat(64)} ${'y'.repeat(65)} z`,
      "lone \uD800surrogates\uDC00 split words; John's and isn’t; ⓐⒶ Ⅻⅻ 𐐀𐐨",
      '',
    ]) {
      expect(words(text), text).toEqual(reference(text));
    }
  });

  it('tokenizes queries into quoted words, dropping stopwords unless nothing else is left', () => {
    expect(queryTerms('What is the Key-Rotation policy? Kötü "x" AND y')).toEqual([
      'key',
      'rotation',
      'policy',
      'kotu',
    ]);
    expect(queryTerms('what is this')).toEqual(['what', 'is', 'this']);
    expect(
      queryTerms(`${'a1 '.repeat(10)}${Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')}`),
    ).toHaveLength(32);
    expect(anyOf(['a', 'b'])).toBe('"a" OR "b"');
  });

  it('finds the same top k as scoring every match (MaxScore pruning is exact)', async () => {
    const storage = await openStorage(`${tempDir()}/maxscore.sqlite`);
    try {
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const words = Array.from(
        { length: 120 },
        (_, i) => `${letters[i % 26]}${letters[Math.floor(i / 26)]}`,
      );
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      // Zipf-like: early words are in most chunks, late ones in a few dozen.
      const word = () => words[Math.floor(words.length * next() ** 4)] as string;
      const anyWord = () => words[Math.floor(words.length * next())] as string;
      await insertChunks(
        storage,
        Array.from({ length: 3000 }, () => ({
          title: Array.from({ length: 2 }, word).join(' '),
          body: Array.from({ length: 5 + Math.floor(next() * 40) }, word).join(' '),
        })),
      );
      const stats = await statsOfC(storage);
      const { fts } = stats.tables;
      const chunkCount = 3000;
      const matches = async (term: string): Promise<number> => {
        const { rows } = await sql<{ n: number }>`
          select count(*) as n from ${fts} where ${fts} match ${anyOf([term])}`.execute(storage.db);
        return Number(rows[0]?.n);
      };
      for (let q = 0; q < 40; q++) {
        const terms = [...new Set([anyWord(), ...Array.from({ length: 1 + (q % 4) }, word)])];
        for (const [k, probeRows] of [
          [1, 0],
          [5, 300],
          [20, 1500],
          [100, 200],
          [5, undefined],
        ] as const) {
          const pruned = await bm25TopK(storage.db, stats, terms, {
            k,
            ...(probeRows === undefined ? {} : { probeRows }),
          });
          // Terms in half the chunks or more (FTS5 weighs them at its idf floor) are dropped when
          // others remain (low-value terms).
          const useful: string[] = [];
          for (const t of terms) if (2 * (await matches(t)) < chunkCount) useful.push(t);
          const scored = useful.length > 0 ? useful : terms;
          const { rows: full } = await sql<{ id: number; score: number }>`
            select rowid as id, -bm25(${fts}, 2, 1) as score from ${fts}
            where ${fts} match ${anyOf(scored)} order by score desc limit ${k}`.execute(storage.db);
          expect(pruned, `${terms} k=${k}`).toHaveLength(full.length);
          for (const [i, c] of pruned.entries()) {
            expect(c.score).toBeCloseTo(full[i]?.score ?? Number.NaN, 9);
          }
        }
      }
      // The bound MaxScore uses for a term is the best score the term alone gives any chunk.
      for (const w of ['aa', 'za', 'pd']) {
        const { rows } = await sql<{ score: number }>`
          select -bm25(${fts}, 2, 1) as score from ${fts} where ${fts} match ${anyOf([w])}`.execute(
          storage.db,
        );
        expect(await stats.bestScore(w)).toBe(Math.max(...rows.map((r) => r.score)));
        expect(await stats.bestScore(w)).toBeLessThan((await stats.idf(w)) * 2.2);
      }
      // A term in most chunks still finds them when it is all the query has.
      expect(await stats.idf('aa')).toBe(IDF_FLOOR);
      expect(await bm25TopK(storage.db, stats, ['aa'], { k: 3 })).toHaveLength(3);
    } finally {
      await storage.close();
    }
  });
});

describe('query expansion', () => {
  it('adds no word that stems like a query word or an earlier pick, within its share of chunks', async () => {
    const storage = await openStorage(`${tempDir()}/expansion.sqlite`);
    try {
      const feedback =
        'Strokes and a stroke: infarctions, infarction, cerebral bleeding, hemorrhagic events.';
      await insertChunks(storage, [
        { title: 'Stroke', body: feedback },
        ...Array.from({ length: 400 }, (_, i) => ({
          title: `Filler ${i}`,
          body: `plain text ${i}`,
        })),
      ]);
      const stats = await statsOfC(storage);
      const [top] = await stats.topK(['strokes'], { k: 1 });
      const words = await expansionTerms(storage.db, stats, ['strokes'], top ? [top] : []);
      const stems = words.map((w) => stemmer(w));
      expect(stems).not.toContain(stemmer('strokes'));
      expect(new Set(stems).size).toBe(stems.length);
      expect(stems).toEqual(expect.arrayContaining([stemmer('infarction'), stemmer('cerebral')]));
      let matched = 0;
      for (const w of words) matched += await stats.documentFrequency(w);
      expect(matched).toBeLessThanOrEqual(stats.rows * FEEDBACK.maxTotalShare);
    } finally {
      await storage.close();
    }
  });
});

describe('term statistics', () => {
  it("reads document frequencies from the index's vocabulary as a full-text count sees them", async () => {
    const storage = await openStorage(`${tempDir()}/vocab.sqlite`);
    try {
      const text =
        'Rotating the keys, rotations, rotated; generously generalised caresses, ponies, ' +
        'relational conditional hopefulness; Café résumé naïve; COVID-19 b12 e2e';
      const words = [
        ...new Set(
          text
            .toLowerCase()
            .normalize('NFKD')
            .replace(/\p{M}/gu, '')
            .split(/[^\p{L}\p{N}]+/u),
        ),
      ].filter((w) => w.length > 1);
      await insertChunks(
        storage,
        words.map((_, i) => ({ title: '', body: words.slice(0, i + 1).join(' ') })),
      );
      const stats = await statsOfC(storage);
      const { fts, vocab } = stats.tables;
      for (const w of [...words, 'rotation', 'generous', 'pony', 'absent']) {
        const { rows } = await sql<{ n: number }>`
          select count(*) as n from ${fts} where ${fts} match ${anyOf([w])}`.execute(storage.db);
        expect(await stats.documentFrequency(w), w).toBe(rows[0]?.n);
      }
      // The lookup rests on the stemmer agreeing with the index's tokenizer: every indexed word is
      // in the vocabulary under its stem (a disagreement would fall back to counting, unseen above).
      for (const w of words) {
        const { rows } = await sql`select doc from ${vocab} where term = ${stemmer(w)}`.execute(
          storage.db,
        );
        expect(rows[0], w).toBeDefined();
      }
    } finally {
      await storage.close();
    }
  });
});

describe('hybrid search with embeddings', () => {
  // Debian's PostgreSQL has no pgvector: there the knowledge base searches full text only.
  const withVectors = storageUnderTest === 'postgres' ? it.skip : it;
  withVectors('stores vectors at ingest and fuses vector and BM25 rankings', async () => {
    const embeddings = await startFakeEmbeddings();
    const kb = await openKnowledgeBase({
      embeddings: { baseURL: embeddings.baseURL, model: 'fake-embed', apiKey: 'k' },
    });
    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [
        { path: 'car.md', content: '# Garage\n\nThe car needs new tyres.' },
        { path: 'dog.md', content: '# Pets\n\nThe dog needs a walk.' },
      ],
    });
    expect(embeddings.requests.map((r) => r.model)).toEqual(['fake-embed']);
    expect(embeddings.requests[0]?.inputs).toHaveLength(2);

    // No word in common with car.md: only the vectors (automobile ≈ car) can find it.
    const result = await kb.search('automobile');
    expect(result.mode).toBe('hybrid');
    expect(result.hits[0]?.path).toBe('car.md');
    expect(kb.status().mode).toBe('hybrid');
  });

  it('falls back to BM25 when the endpoint fails at query time, and re-embeds on a new model', async () => {
    const embeddings = await startFakeEmbeddings();
    const databasePath = `${tempDir()}/kb.sqlite`;
    const config = { baseURL: embeddings.baseURL, model: 'model-a', apiKey: null };
    const kb = await openKnowledgeBase({ databasePath, embeddings: config });
    const docs = [{ path: 'car.md', content: 'The car needs new tyres.' }];
    await kb.ingest({ source: 'api', removeMissing: false, documents: docs });

    embeddings.failWith = 503;
    const degraded = await kb.search('car tyres');
    expect(degraded.mode).toBe('fts');
    expect(degraded.hits[0]?.path).toBe('car.md');
    await expect(
      kb.ingest({
        source: 'api',
        removeMissing: false,
        documents: [{ path: 'x.md', content: 'x' }],
      }),
    ).rejects.toThrow(/embeddings endpoint failed/);
    embeddings.failWith = null;
    await kb.close();

    const next = await openKnowledgeBase({
      databasePath,
      embeddings: { ...config, model: 'model-b' },
    });
    expect(
      await next.ingest({ source: 'api', removeMissing: false, documents: docs }),
    ).toMatchObject({
      updated: 1,
    });
    expect(embeddings.requests.at(-1)?.model).toBe('model-b');
  });
});
