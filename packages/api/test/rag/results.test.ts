import { afterEach, describe, expect, it } from 'vitest';
import { PASSAGE_GAP } from '../../src/rag/retriever.ts';
import { cleanup, openKnowledgeBase } from './helpers.ts';

afterEach(cleanup);

// Built at run time, so the repository holds nothing a secret scanner would flag.
const AWS_KEY = ['AKIA', 'Q3VXMZ7TL5RW2YNB'].join('');
const PEM = [
  ['-----BEGIN', 'EC PRIVATE KEY-----'].join(' '),
  'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5UMRmP6CxNJ7AoAoGCCqGSM49',
  'AwEHoUQDQgAEhTq8fTl9kWUxYvMmb0mR3Zk4OC1sEu8V8LW7sHk2Vq4rYpC0nQ==',
  ['-----END', 'EC PRIVATE KEY-----'].join(' '),
].join('\n');

/** A long document whose every section talks about tides, and shorter ones that mention them. */
function tideDocuments() {
  const section = (n: number) =>
    `## Tides ${n}\n\n${'Tides rise and fall with the moon; tide tables list high tide. '.repeat(20)}`;
  return [
    {
      path: 'tides.md',
      content: `# Tide handbook\n\n${Array.from({ length: 6 }, (_, i) => section(i)).join('\n\n')}`,
    },
    { path: 'harbour.md', content: '# Harbour\n\nBoats leave the harbour at high tide.' },
    { path: 'moon.md', content: '# Moon\n\nThe moon pulls the sea; tides follow.' },
    { path: 'bread.md', content: '# Bread\n\nKnead the dough, let it rise.' },
  ];
}

describe('results by document', () => {
  it('returns each document once, at its best chunk, unless chunks are asked for', async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({ source: 'api', removeMissing: false, documents: tideDocuments() });

    const byChunk = await kb.search('tide tables moon', { k: 5, groupByDocument: false });
    const chunkPaths = byChunk.hits.map((h) => h.path);
    expect(chunkPaths.filter((p) => p === 'tides.md').length).toBeGreaterThan(1);

    const { hits } = await kb.search('tide tables moon', { k: 5 });
    const paths = hits.map((h) => h.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining(['tides.md', 'harbour.md', 'moon.md']));
    // The document's hit is its best chunk, ranked by that chunk's score.
    expect(hits[0]).toMatchObject({ chunkId: byChunk.hits[0]?.chunkId, path: chunkPaths[0] });
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // Chat gets distinct documents too.
    const passages = await kb.retrieve('tide tables moon', { k: 3 });
    expect(new Set(passages.map((p) => p.documentId)).size).toBe(passages.length);
    expect(passages).toHaveLength(3);
  });

  it("gives chat a document's best chunks, each further one under its own heading", async () => {
    const kb = await openKnowledgeBase();
    const filler = (topic: string) => `${topic} is described at length here. `.repeat(60);
    const content = [
      '# Guide',
      `## Client\n\nAsk the client how to configure the port. ${filler('The client')}`,
      `## Examples\n\nExamples configure the port. ${filler('An example')}`,
      `## Configuration\n\n| variable | default | meaning |\n|---|---|---|\n| \`PORT\` | \`8787\` | listen port |\n\n${filler('Configuration')}`,
      `## Cooking\n\n${filler('Pasta')}`,
    ].join('\n\n');
    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [{ path: 'guide.md', content }],
    });
    const chunks = await kb.search('configure port', { k: 4, groupByDocument: false });
    expect(chunks.hits.length).toBeGreaterThanOrEqual(3);
    const [passage] = await kb.retrieve('configure port');
    const parts = passage?.text.split(PASSAGE_GAP) ?? [];
    // The best chunk and the two next best of the document, the cooking section left out.
    expect(parts).toHaveLength(3);
    expect(parts.slice(1).map((p) => p.split('\n')[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^# Guide › (Examples|Configuration)$/)]),
    );
    expect(passage?.text).toContain('| `PORT` | `8787` | listen port |');
    expect(passage?.text).not.toContain('Pasta');
  });

  it('fills k documents even when one document holds every top chunk', async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({ source: 'api', removeMissing: false, documents: tideDocuments() });
    // tides.md holds 6+ chunks that all outrank the others: k=2 must still reach a second document.
    const { hits } = await kb.search('tides', { k: 2 });
    expect(hits.map((h) => h.path)).toHaveLength(2);
    expect(new Set(hits.map((h) => h.path)).size).toBe(2);
  });
});

describe('statistics per collection', () => {
  it("keeps one collection's ranking identical when another collection changes", async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({
      collection: 'a',
      source: 'api',
      removeMissing: false,
      documents: tideDocuments(),
    });
    const before = await kb.search('boats harbour knead dough sea', { collection: 'a', k: 10 });
    expect(before.hits.length).toBeGreaterThan(2);

    // Collection b floods the words of the query: in a shared index their idf would collapse.
    await kb.ingest({
      collection: 'b',
      source: 'api',
      removeMissing: false,
      documents: Array.from({ length: 60 }, (_, i) => ({
        path: `b${i}.md`,
        content: `# Note ${i}\n\nBoats in the harbour, dough by the sea ${'filler words here '.repeat(i)}`,
      })),
    });
    const after = await kb.search('boats harbour knead dough sea', { collection: 'a', k: 10 });
    const strip = ({ hits }: typeof before) =>
      hits.map(({ chunkId, path, score, snippet }) => ({ chunkId, path, score, snippet }));
    expect(strip(after)).toEqual(strip(before));

    // And b only ever sees its own documents.
    const inB = await kb.search('bread', { collection: 'b', k: 50 });
    expect(inB.hits.every((h) => h.path.startsWith('b'))).toBe(true);
    expect((await kb.search('knead', { collection: 'b' })).hits).toEqual([]);
  });
});

describe('stored metadata leaves redacted', () => {
  it('redacts secrets in titles, paths and URLs of search hits, passages and document lists', async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [
        {
          path: `keys/${AWS_KEY}/rotation.md`,
          title: `Rotation ${PEM}`,
          url: `https://example.com/${AWS_KEY}`,
          content: 'Rotate the deploy keys every quarter.',
          mimeType: 'text/plain',
        },
      ],
    });
    const leaks = (value: unknown) => {
      const text = JSON.stringify(value);
      return text.includes(AWS_KEY) || text.includes('MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpY');
    };
    const { hits } = await kb.search('rotate deploy keys');
    expect(hits).toHaveLength(1);
    expect(leaks(hits)).toBe(false);
    expect(hits[0]?.path).toBe('keys/[REDACTED:aws-access-key]/rotation.md');
    expect(hits[0]?.title).toContain('[REDACTED:private-key]');

    const passages = await kb.retrieve('rotate deploy keys');
    expect(passages).toHaveLength(1);
    expect(leaks(passages)).toBe(false);

    const { items } = await kb.documents({ limit: 10 });
    expect(items).toHaveLength(1);
    expect(leaks(items)).toBe(false);
    expect(items[0]?.url).toBe('https://example.com/[REDACTED:aws-access-key]');
  });
});
