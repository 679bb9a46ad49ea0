import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, openKnowledgeBase, tempDir } from './helpers.ts';

afterEach(cleanup);

/**
 * A known item ("Halley") among many notes that share one of its words ("comet") and, beyond it,
 * words of their own (observatory, telescope): feedback from the notes expands the query toward
 * them, and toward guides that never name a comet. Filler documents keep those words rare enough to be picked.
 */
function documents() {
  const notes = Array.from({ length: 12 }, (_, i) => ({
    path: `notes/${i}.md`,
    content: `# Comet ${i}\n\nComet ${i}${', observatory telescope'.repeat(i % 4)}.`,
  }));
  const guides = Array.from({ length: 4 }, (_, i) => ({
    path: `guides/${i}.md`,
    content: `# Observatory guide ${i}\n\nBook telescope time at the observatory; the observatory telescope dome opens at dusk.`,
  }));
  const filler = Array.from({ length: 400 }, (_, i) => ({
    path: `filler/${i}.md`,
    content: `# Ledger ${i}\n\nInvoice ${i} for garden supplies: soil, seeds and a rake, paid in week ${i % 52}.`,
  }));
  return [
    {
      path: 'halley.md',
      content:
        '# Halley\n\nHalley returns every 76 years. Its orbit is long and its nucleus is dark; records of Halley go back to ancient astronomers, who wrote of a comet.',
    },
    ...notes,
    ...guides,
    ...filler,
  ];
}

describe('query expansion within bounds', () => {
  it('never moves a chunk further down than twice its place in the plain BM25 ranking', async () => {
    const databasePath = join(tempDir(), 'kb.sqlite');
    const plain = await openKnowledgeBase({ databasePath, queryExpansion: false });
    await plain.ingest({ source: 'api', removeMissing: false, documents: documents() });
    const expanded = await openKnowledgeBase({ databasePath });
    let moved = 0;
    for (const query of ['halley comet', 'comet', 'telescope comet', 'halley orbit comet']) {
      const ids = async (kb: typeof plain) =>
        (await kb.search(query, { k: 30, groupByDocument: false, snippets: false })).hits.map(
          (h) => h.chunkId,
        );
      const before = await ids(plain);
      const after = await ids(expanded);
      if (after.join() !== before.join()) moved++;
      for (const [r, id] of before.entries()) {
        const at = after.indexOf(id);
        if (2 * r < after.length) expect(at, `${query}: BM25 rank ${r}`).toBeGreaterThanOrEqual(0);
        if (at >= 0) expect(at, `${query}: BM25 rank ${r}`).toBeLessThanOrEqual(2 * r);
      }
      const scores = (await expanded.search(query, { k: 30, groupByDocument: false })).hits.map(
        (h) => h.score,
      );
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    // Expansion did act: the bound, not a lack of feedback, kept the order.
    expect(moved).toBeGreaterThan(0);
    const top = await expanded.search('halley comet', { k: 3 });
    expect(top.hits[0]?.path).toBe('halley.md');
  });
});
