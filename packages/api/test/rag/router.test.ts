import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/context.ts';
import { createCaller } from '../../src/root.ts';
import { testDeps } from '../deps.ts';
import { failureReason } from '../reason.ts';
import { storageUnderTest } from '../storage.ts';
import { cleanup, openKnowledgeBase } from './helpers.ts';

// The rag procedures as a caller sees them, on the storage under test (SQLite, or PostgreSQL in
// the `postgres` project).

afterEach(cleanup);

const admin: Actor = { keyId: 'ops', role: 'admin', collections: null };
const docsOnly: Actor = { keyId: 'web', role: 'user', collections: ['docs'] };

async function setup() {
  const kb = await openKnowledgeBase();
  const deps = testDeps({ kb, adminEnabled: true });
  return (actor: Actor) => createCaller({ deps, requestId: 'r1', actor });
}

const doc = (path: string, content: string) => ({ path, content, mimeType: 'text/markdown' });

describe(`rag procedures (${storageUnderTest})`, () => {
  it('keeps collections apart, and a limited key inside its own', async () => {
    const caller = await setup();
    await caller(admin).rag.ingest({
      collection: 'docs',
      documents: [doc('a.md', '# Ports\n\nThe server listens on port 8787.')],
    });
    await caller(admin).rag.ingest({
      collection: 'hr',
      documents: [
        doc('leave.md', '# Leave\n\nTwenty days of paid leave; the port of call is HR.'),
        doc('pay.md', '# Pay\n\nSalaries are paid monthly.'),
      ],
    });
    expect(await caller(admin).rag.collections()).toEqual([
      expect.objectContaining({ id: 'docs', documents: 1 }),
      expect.objectContaining({ id: 'hr', documents: 2 }),
    ]);
    expect((await caller(docsOnly).rag.collections()).map((c) => c.id)).toEqual(['docs']);
    const found = await caller(docsOnly).rag.search({ query: 'port', collection: 'docs' });
    expect(found.hits.map((h) => h.path)).toEqual(['a.md']);
    expect(
      await failureReason(caller(docsOnly).rag.search({ query: 'port', collection: 'hr' })),
    ).toBe('collection_forbidden');
    expect(
      await failureReason(caller(docsOnly).rag.ingest({ documents: [doc('x.md', 'x')] })),
    ).toBe('admin_required');
  });

  it('pages documents, deletes one with its chunks, and removes what a re-ingest leaves out', async () => {
    const caller = await setup();
    const documents = Array.from({ length: 5 }, (_, i) =>
      doc(`note-${i}.md`, `# Note ${i}\n\nZebra crossing number ${i}.`),
    );
    expect(await caller(admin).rag.ingest({ documents })).toMatchObject({ added: 5 });
    const first = await caller(admin).rag.documents({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await caller(admin).rag.documents({ limit: 10, cursor: first.nextCursor ?? 0 });
    expect([...first.items, ...rest.items].map((d) => d.path).sort()).toEqual(
      documents.map((d) => d.path),
    );
    expect(rest.nextCursor).toBeNull();

    const gone = first.items[0]!;
    expect(await caller(admin).rag.deleteDocument({ id: gone.id })).toEqual({ deleted: true });
    expect(await failureReason(caller(admin).rag.deleteDocument({ id: gone.id }))).toBe(
      'document_not_found',
    );
    expect(
      await failureReason(
        caller(admin).rag.deleteDocument({ collection: 'hr', id: rest.items[0]!.id }),
      ),
    ).toBe('document_not_found');
    const hits = (await caller(admin).rag.search({ query: 'zebra', k: 10 })).hits;
    expect(hits.map((h) => h.path)).not.toContain(gone.path);
    expect(hits).toHaveLength(4);

    const kept = documents.filter((d) => d.path !== gone.path).slice(0, 2);
    expect(await caller(admin).rag.ingest({ documents: kept, removeMissing: true })).toMatchObject({
      unchanged: 2,
      removed: 2,
    });
    expect((await caller(admin).rag.search({ query: 'zebra', k: 10 })).hits).toHaveLength(2);
  });
});
