import { afterEach, describe, expect, it } from 'vitest';
import { ChunkMemo } from '../../src/rag/search/chunk-memo.ts';
import { expansionTerms } from '../../src/rag/search/expansion.ts';
import { TermStats } from '../../src/rag/search/term-stats.ts';
import { cleanup, openKnowledgeBase } from './helpers.ts';

afterEach(cleanup);

const GITHUB_TOKEN = ['ghp', 'Zq8X2vN4mB6kL1pR9tY3wE5uI7oA0sD2fG4h'].join('_');

describe('chunk memo', () => {
  it('serves a remembered result only for the text it was made from', () => {
    const memo = new ChunkMemo<string>({ maxEntries: 10, maxChars: 1_000 });
    let derived = 0;
    const upper = (text: string) => {
      derived++;
      return text.toUpperCase();
    };
    expect(memo.get(1, 'first text', upper)).toBe('FIRST TEXT');
    expect(memo.get(1, 'first text', upper)).toBe('FIRST TEXT');
    expect(derived).toBe(1);
    // The same id with another text (re-ingested, or the id reused): derived again.
    expect(memo.get(1, 'second text', upper)).toBe('SECOND TEXT');
    expect(derived).toBe(2);
    expect(memo.size).toBe(1);
    expect(memo.chars).toBe('second text'.length);
  });

  it('keeps within its bounds, least recently used out first', () => {
    const memo = new ChunkMemo<number>({ maxEntries: 3, maxChars: 30 });
    const length = (text: string) => text.length;
    for (const id of [1, 2, 3]) memo.get(id, `text ${id}`, length);
    memo.get(1, 'text 1', length);
    memo.get(4, 'text 4', length);
    expect(memo.size).toBe(3);
    let derived = 0;
    const counted = (text: string) => ++derived + text.length;
    memo.get(1, 'text 1', counted);
    memo.get(2, 'text 2', counted);
    // 2 was the least recently used of 1, 2, 3 when 4 came.
    expect(derived).toBe(1);
    memo.get(5, 'x'.repeat(25), length);
    expect(memo.chars).toBeLessThanOrEqual(30);
    // Larger than the whole budget: returned, not kept.
    expect(memo.get(6, 'y'.repeat(31), length)).toBe(31);
    expect(memo.chars).toBeLessThanOrEqual(30);
  });
});

describe('remembered chunk work never outlives the chunk', () => {
  it('passages follow a re-ingested or deleted document, even when its chunk id is reused', async () => {
    const kb = await openKnowledgeBase();
    const ingest = (path: string, body: string) =>
      kb.ingest({
        source: 'api',
        removeMissing: false,
        documents: [{ path, content: `# Lighthouse\n\n${body}` }],
      });
    await ingest('light.md', 'The lighthouse keeper trims the wick at dusk.');
    const [before] = await kb.retrieve('lighthouse keeper');
    expect(before?.text).toContain('trims the wick');

    await ingest('light.md', `The lighthouse keeper token is ${GITHUB_TOKEN} now.`);
    const [changed] = await kb.retrieve('lighthouse keeper');
    expect(changed?.id).toBe(before?.id);
    expect(changed?.text).not.toContain('trims the wick');
    expect(changed?.text).toContain('[REDACTED');
    expect(changed?.text).not.toContain(GITHUB_TOKEN);

    const { items } = await kb.documents({ limit: 10 });
    expect(await kb.deleteDocument(undefined, items[0]?.id ?? 0)).toBe(true);
    expect(await kb.retrieve('lighthouse keeper')).toEqual([]);
    await ingest('other.md', 'A lighthouse keeper of another coast paints the tower red.');
    const [other] = await kb.retrieve('lighthouse keeper');
    expect(other?.id).toBe(before?.id);
    expect(other?.path).toBe('other.md');
    expect(other?.text).toContain('paints the tower red');
  });

  it('expansion reads the words of the text a chunk holds now', async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [
        { path: 'ship.md', content: '# Ship\n\nship mast' },
        ...Array.from({ length: 60 }, (_, i) => ({
          path: `filler${i}.md`,
          content: `# Filler ${i}\n\nplain text ${i}`,
        })),
      ],
    });
    const termsNow = async () => {
      const stats = new TermStats(kb.database);
      await stats.refresh();
      const index = await stats.collection('default');
      const top = await index?.topK(['ship'], { k: 1 });
      return index && top ? expansionTerms(kb.database, index, ['ship'], top) : [];
    };
    expect(await termsNow()).toEqual(['mast']);
    await kb.database
      .updateTable('chunks')
      .set({ body: 'ship anchor' })
      .where('body', 'like', '%mast%')
      .execute();
    expect(await termsNow()).toEqual(['anchor']);
  });
});
