import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestCollectionFolders, ingestDemo } from '../../src/rag/demo.ts';
import { listFiles, readFiles } from '../../src/rag/ingest/files.ts';
import type { KnowledgeBase } from '../../src/rag/knowledge-base.ts';
import { storageUnderTest } from '../storage.ts';
import { makePdf } from './fixtures/pdf.ts';
import { cleanup, openKnowledgeBase, tempDir } from './helpers.ts';

const expectedJournalMode = storageUnderTest === 'postgres' ? 'postgresql 15' : 'wal';

afterEach(cleanup);

function folder(files: Record<string, string | Uint8Array>): string {
  const root = tempDir('bastion-docs-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function ingestFolder(kb: KnowledgeBase, root: string, collection = 'default') {
  const { files } = listFiles(root, { confineTo: root, maxFileBytes: 1_000_000 });
  return kb.ingest({ collection, source: root, documents: readFiles(files), removeMissing: true });
}

const paths = async (kb: KnowledgeBase, query: string, collection?: string) =>
  (await kb.search(query, { collection })).hits.map((h) => h.path);

describe('ingestion into the knowledge base', () => {
  it('stores every format and finds each by its content', async () => {
    const kb = await openKnowledgeBase();
    const root = folder({
      'guide.md': '# Guide\n\n## Backups\n\nNightly snapshots of the volume.',
      'page.html':
        '<h1>Status page</h1><p>Uptime dashboards live here.</p><script>var hidden=1</script>',
      'notes.txt': 'Escalation goes to the duty engineer.',
      'config.yaml': 'retention:\n  days: 14\n',
      'data.json': '{"featureFlags": {"darkMode": true}}',
      'server.ts': 'export function startListener() {\n  return 1;\n}\n',
      'report.pdf': makePdf(['Quarterly churn figures']),
      'image.png': new Uint8Array([137, 80, 78, 71]),
    });
    const summary = await ingestFolder(kb, root);
    expect(summary).toMatchObject({ added: 7, updated: 0, unchanged: 0, removed: 0, failed: [] });
    expect(await paths(kb, 'nightly snapshots')).toEqual(['guide.md']);
    expect(await paths(kb, 'uptime dashboards')).toEqual(['page.html']);
    expect(await paths(kb, 'hidden')).toEqual([]);
    expect(await paths(kb, 'duty engineer')).toEqual(['notes.txt']);
    expect(await paths(kb, 'retention days')).toEqual(['config.yaml']);
    expect(await paths(kb, 'darkMode')).toEqual(['data.json']);
    expect(await paths(kb, 'startListener')).toEqual(['server.ts']);
    expect(await paths(kb, 'churn')).toEqual(['report.pdf']);
    const [backup] = (await kb.search('snapshots')).hits;
    expect(backup?.title).toBe('Guide › Backups');
  });

  it('re-ingest skips unchanged documents, replaces changed ones and removes vanished ones', async () => {
    const kb = await openKnowledgeBase();
    const root = folder({
      'a.md': '# A\n\nAlpha content about kestrels.',
      'b.md': '# B\n\nBravo content about herons.',
      'c.md': '# C\n\nCharlie content about ospreys.',
    });
    expect(await ingestFolder(kb, root)).toMatchObject({ added: 3, chunks: 3 });
    expect(await ingestFolder(kb, root)).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 3,
      removed: 0,
      chunks: 0,
    });

    writeFileSync(join(root, 'b.md'), '# B\n\nBravo content now about pelicans.');
    rmSync(join(root, 'c.md'));
    writeFileSync(join(root, 'd.md'), '# D\n\nDelta content about puffins.');
    expect(await ingestFolder(kb, root)).toMatchObject({
      added: 1,
      updated: 1,
      unchanged: 1,
      removed: 1,
      chunks: 2,
    });
    expect(await paths(kb, 'herons')).toEqual([]);
    expect(await paths(kb, 'pelicans')).toEqual(['b.md']);
    expect(await paths(kb, 'ospreys')).toEqual([]);
    expect(await paths(kb, 'puffins')).toEqual(['d.md']);
    expect((await kb.collections())[0]).toEqual({ id: 'default', documents: 3, chunks: 3 });
  });

  it('keeps collections and ingest roots apart', async () => {
    const kb = await openKnowledgeBase();
    const one = folder({ 'x.md': 'Shared words in one.' });
    const two = folder({ 'x.md': 'Shared words in two.' });
    await ingestFolder(kb, one, 'first');
    await ingestFolder(kb, two, 'second');
    // An empty root removes nothing of another root's documents…
    expect(await ingestFolder(kb, folder({}), 'first')).toMatchObject({ removed: 0 });
    expect(await paths(kb, 'shared words', 'first')).toEqual(['x.md']);
    // …while a root that lost its file removes it, in its own collection only.
    rmSync(join(one, 'x.md'));
    expect(await ingestFolder(kb, one, 'first')).toMatchObject({ removed: 1 });
    expect(await kb.collections()).toEqual([{ id: 'second', documents: 1, chunks: 1 }]);
    expect(await paths(kb, 'shared words', 'second')).toEqual(['x.md']);
    expect(await paths(kb, 'shared words', 'first')).toEqual([]);
    await expect(kb.search('x', { collection: '../etc' })).rejects.toThrow(/Invalid collection/);
    await expect(kb.search('x', { collection: 'a'.repeat(65) })).rejects.toThrow(
      /Invalid collection/,
    );
  });

  it('reports files it cannot use and goes on with the rest', async () => {
    const kb = await openKnowledgeBase();
    const summary = await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [
        { path: 'ok.md', content: 'Fine text.' },
        { path: 'bad.pdf', content: new Uint8Array([1, 2, 3]) },
      ],
    });
    expect(summary.added).toBe(1);
    expect(summary.failed.map((f) => f.path)).toEqual(['bad.pdf']);
  });

  it('lists documents page by page and deletes them with their chunks', async () => {
    const kb = await openKnowledgeBase();
    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: ['one', 'two', 'three'].map((w) => ({ path: `${w}.md`, content: `Word ${w}.` })),
    });
    const first = await kb.documents({ limit: 2 });
    expect(first.items.map((d) => d.path)).toEqual(['one.md', 'two.md']);
    const second = await kb.documents({ limit: 2, cursor: first.nextCursor ?? 0 });
    expect(second).toMatchObject({ items: [{ path: 'three.md' }], nextCursor: null });

    const id = first.items[0]?.id as number;
    expect(await kb.deleteDocument('other', id)).toBe(false);
    expect(await kb.deleteDocument('default', id)).toBe(true);
    expect(await paths(kb, 'one')).toEqual([]);
    expect(kb.status()).toMatchObject({
      ok: true,
      documents: 2,
      chunks: 2,
      journalMode: expectedJournalMode,
    });
  });
});

describe('folders and confinement', () => {
  it('walks folders, skipping dotfiles, node_modules, unsupported types and escaping symlinks', () => {
    const outside = folder({ 'secret.md': 'outside' });
    const root = folder({
      'docs/a.md': 'a',
      '.git/config.md': 'no',
      'node_modules/pkg/readme.md': 'no',
      'logo.png': 'no',
    });
    symlinkSync(join(outside, 'secret.md'), join(root, 'docs', 'link.md'));
    const listing = listFiles(root, { confineTo: root, maxFileBytes: 1000, prefix: 'kb' });
    expect(listing.files.map((f) => f.path)).toEqual(['kb/docs/a.md']);
    expect(listing.skipped).toEqual(
      expect.arrayContaining([
        { path: 'kb/docs/link.md', reason: 'outside the allowed folder' },
        { path: 'kb/logo.png', reason: 'unsupported file type' },
      ]),
    );
  });

  it('ingests DATA_DIR/collections/<id> drop folders, refusing links out of DATA_DIR', async () => {
    const kb = await openKnowledgeBase();
    const dataDir = tempDir('bastion-data-');
    const outside = folder({ 'leak.md': 'Leaked private words.' });
    mkdirSync(join(dataDir, 'collections', 'handbook'), { recursive: true });
    mkdirSync(join(dataDir, 'collections', 'bad name'), { recursive: true });
    writeFileSync(join(dataDir, 'collections', 'handbook', 'policy.md'), 'Vacation policy words.');
    writeFileSync(join(dataDir, 'collections', 'bad name', 'x.md'), 'Ignored words.');
    symlinkSync(join(outside, 'leak.md'), join(dataDir, 'collections', 'handbook', 'leak.md'));
    symlinkSync(outside, join(dataDir, 'collections', 'escape'));

    const results = await ingestCollectionFolders(kb, dataDir);
    expect([...results.keys()]).toEqual(['handbook']);
    expect(results.get('handbook')).toMatchObject({ added: 1 });
    expect(await paths(kb, 'vacation', 'handbook')).toEqual(['policy.md']);
    expect(await paths(kb, 'leaked private', 'handbook')).toEqual([]);
    expect(await kb.collections()).toEqual([{ id: 'handbook', documents: 1, chunks: 1 }]);
  });

  it('seeds the default collection with the demo docs only while it holds nothing else', async () => {
    const kb = await openKnowledgeBase();
    const repo = folder({
      'README.md': '# Product\n\nThe product answers questions.',
      'docs/setup.md': '# Setup\n\nInstall with the installer.',
      'packages/core/README.md': '# Core\n\nCore package words.',
      'infra/RUNBOOK.md': '# Runbook\n\nRestart the service.',
      'docs/diagram.png': 'no',
    });
    expect(await ingestDemo(kb, { root: repo })).toMatchObject({ added: 4 });
    expect((await kb.documents({ limit: 10 })).items.map((d) => d.path)).toEqual([
      'README.md',
      'docs/setup.md',
      'packages/core/README.md',
      'infra/RUNBOOK.md',
    ]);
    expect(await ingestDemo(kb, { root: repo })).toMatchObject({ unchanged: 4, added: 0 });

    await kb.ingest({
      source: 'api',
      removeMissing: false,
      documents: [{ path: 'own.md', content: 'Own.' }],
    });
    expect(await ingestDemo(kb, { root: repo })).toBeNull();
  });
});
