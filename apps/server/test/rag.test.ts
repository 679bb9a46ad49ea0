import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers.ts';

const USER = 'rag-user-secret-0123456789';
const ADMIN = 'rag-admin-secret-0123456789';

function demoRepository(): string {
  const root = tempDir('bastion-demo-');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'README.md'), '# Bastion\n\nA hardened chat assistant.');
  writeFileSync(
    join(root, 'docs', 'ports.md'),
    '# Ports\n\nThe server listens on port 8787 unless PORT says otherwise.',
  );
  return root;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe('rag over HTTP (real Fastify, real SQLite)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      RAG_DEMO_ROOT: demoRepository(),
      API_KEYS: `reader:${USER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      API_KEY_COLLECTIONS: 'reader:default,faq',
    });
  });
  afterAll(() => server.stop());

  const user = () => createBastionClient({ url: server.url, apiKey: USER });
  const admin = () => createBastionClient({ url: server.url, apiKey: ADMIN });

  it('is ready with the demo docs ingested, and reports them in the status summary', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const summary = await user().status.summary.query();
    expect(summary.rag).toEqual({
      ok: true,
      mode: 'fts',
      collections: 1,
      documents: 2,
      chunks: 2,
      journalMode: 'wal',
    });
    const { hits, mode, tookMs } = await user().rag.search.query({ query: 'which port?' });
    expect(mode).toBe('fts');
    expect(tookMs).toBeGreaterThanOrEqual(0);
    expect(hits[0]).toMatchObject({ path: 'docs/ports.md', title: 'Ports' });
    expect(hits[0]?.snippet).toContain('**port**');
  });

  it('lets admins ingest and delete, and nobody else', async () => {
    const documents = [{ path: 'faq/parking.md', content: '# Parking\n\nParking is free.' }];
    expect(
      errorReason(await failure(user().rag.ingest.mutate({ collection: 'faq', documents }))),
    ).toBe('admin_required');
    expect(await admin().rag.ingest.mutate({ collection: 'faq', documents })).toEqual({
      added: 1,
      updated: 0,
      unchanged: 0,
      removed: 0,
      chunks: 1,
      failed: [],
    });
    const { items } = await user().rag.documents.query({ collection: 'faq' });
    expect(items.map((d) => d.path)).toEqual(['faq/parking.md']);
    const id = items[0]?.id as number;
    expect(
      errorReason(await failure(user().rag.deleteDocument.mutate({ collection: 'faq', id }))),
    ).toBe('admin_required');
    expect(await admin().rag.deleteDocument.mutate({ collection: 'faq', id })).toEqual({
      deleted: true,
    });
    expect(
      errorReason(await failure(admin().rag.deleteDocument.mutate({ collection: 'faq', id }))),
    ).toBe('document_not_found');
  });

  it('keeps keys to their collections', async () => {
    const documents = [{ path: 'secret.md', content: 'Salary bands.' }];
    await admin().rag.ingest.mutate({ collection: 'private', documents });
    expect(
      errorReason(
        await failure(user().rag.search.query({ query: 'salary', collection: 'private' })),
      ),
    ).toBe('collection_forbidden');
    expect((await user().rag.collections.query()).map((c) => c.id)).not.toContain('private');
    expect((await admin().rag.collections.query()).map((c) => c.id)).toContain('private');
  });

  it('never sends a stored secret back: titles, paths and URLs are redacted in search, documents and chat sources', async () => {
    // Built at run time, so the repository holds nothing a secret scanner would flag.
    const awsKey = ['AKIA', 'Q3VXMZ7TL5RW2YNB'].join('');
    const pem = [
      ['-----BEGIN', 'EC PRIVATE KEY-----'].join(' '),
      'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5UMRmP6CxNJ7AoAoGCCqGSM49',
      'AwEHoUQDQgAEhTq8fTl9kWUxYvMmb0mR3Zk4OC1sEu8V8LW7sHk2Vq4rYpC0nQ==',
      ['-----END', 'EC PRIVATE KEY-----'].join(' '),
    ].join('\n');
    await admin().rag.ingest.mutate({
      collection: 'faq',
      documents: [
        {
          path: `keys/${awsKey}/rotation.md`,
          title: `Key rotation ${pem}`,
          url: `https://wiki.example/${awsKey}`,
          content: '# Rotation\n\nRotate the deploy keys every quarter.',
        },
      ],
    });
    const leaks = (value: unknown) => {
      const text = JSON.stringify(value);
      return text.includes(awsKey) || text.includes('MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpY');
    };
    const search = await user().rag.search.query({
      query: 'rotate deploy keys',
      collection: 'faq',
    });
    expect(search.hits.map((h) => h.path)).toEqual(['keys/[REDACTED:aws-access-key]/rotation.md']);
    expect(leaks(search)).toBe(false);
    const documents = await user().rag.documents.query({ collection: 'faq' });
    expect(documents.items.length).toBeGreaterThan(0);
    expect(leaks(documents)).toBe(false);
    const answer = await user().chat.complete.mutate({
      messages: [{ role: 'user', content: 'How often do I rotate the deploy keys?' }],
      collection: 'faq',
      includeSources: true,
    });
    expect(answer.sources.length).toBeGreaterThan(0);
    expect(leaks(answer)).toBe(false);
  });

  it('answers hostile input with results or typed errors, never a 500', async () => {
    for (const query of ['"', 'NEAR(a b)', 'body:x OR *', '\u0000', 'a AND NOT']) {
      const result = await user().rag.search.query({ query });
      expect(Array.isArray(result.hits)).toBe(true);
    }
    expect(
      errorReason(await failure(user().rag.search.query({ query: 'x', collection: '../etc' }))),
    ).toBe('invalid_input');
    expect(errorReason(await failure(user().rag.search.query({ query: 'x'.repeat(5000) })))).toBe(
      'invalid_input',
    );
    expect(errorReason(await failure(user().rag.search.query({ query: 'x', k: 1000 })))).toBe(
      'invalid_input',
    );
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ path: `d${i}.md`, content: 'x' }));
    expect(errorReason(await failure(admin().rag.ingest.mutate({ documents: tooMany })))).toBe(
      'invalid_input',
    );

    // 100 KB in the URL of a GET query: refused by the HTTP layer or as invalid input, not a 500.
    const input = encodeURIComponent(JSON.stringify({ 0: { query: 'y'.repeat(100_000) } }));
    const res = await fetch(`${server.url}/api/trpc/rag.search?batch=1&input=${input}`, {
      headers: { authorization: `Bearer ${USER}` },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
