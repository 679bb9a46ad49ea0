import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

const READER = 'missing-reader-secret-0123456789';
const ADMIN = 'missing-admin-secret-0123456789';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe('a collection that does not exist', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      RAG_DEMO_ROOT: 'none',
      API_KEYS: `reader:${READER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      // `faq` is the reader's but holds nothing; `handbook` exists but is not the reader's.
      API_KEY_COLLECTIONS: 'reader:default,faq',
    });
    await createBastionClient({ url: server.url, apiKey: ADMIN }).rag.ingest.mutate({
      collection: 'handbook',
      documents: [{ path: 'leave.md', content: '# Leave\n\nTwenty-five days a year.' }],
    });
  });
  afterAll(() => server.stop());

  const client = (apiKey: string) => createBastionClient({ url: server.url, apiKey });
  const question = (collection: string) => ({
    messages: [{ role: 'user' as const, content: 'How many days of leave?' }],
    collection,
  });

  /** The reason rag.search, chat.start and chat.complete give for `collection`. */
  async function reasons(apiKey: string, collection: string) {
    const api = client(apiKey);
    return [
      errorReason(await failure(api.rag.search.query({ query: 'leave', collection }))),
      errorReason(await failure(api.chat.start.mutate(question(collection)))),
      errorReason(await failure(api.chat.complete.mutate(question(collection)))),
    ];
  }

  it('is reported as missing to a caller who may read it, on every procedure that reads one', async () => {
    expect(await reasons(ADMIN, 'nope')).toEqual(Array(3).fill('collection_not_found'));
    expect(await reasons(READER, 'faq')).toEqual(Array(3).fill('collection_not_found'));
    const hits = await client(ADMIN).rag.search.query({ query: 'leave', collection: 'handbook' });
    expect(hits.hits).toHaveLength(1);
  });

  it('is not told apart from an existing one for a key limited to other collections', async () => {
    expect(await reasons(READER, 'handbook')).toEqual(Array(3).fill('collection_forbidden'));
    expect(await reasons(READER, 'nope')).toEqual(Array(3).fill('collection_forbidden'));
  });

  it('the default collection always exists, empty or not', async () => {
    const { hits } = await client(READER).rag.search.query({ query: 'leave' });
    expect(hits).toEqual([]);
    expect(await client(READER).chat.start.mutate(question('default'))).toHaveProperty('requestId');
  });

  it('status.summary counts only the collections the caller may read', async () => {
    const reader = await client(READER).status.summary.query();
    expect(reader.rag).toMatchObject({ collections: 0, documents: 0, chunks: 0 });
    const rest = await fetch(`${server.url}/api/status/summary`, {
      headers: { authorization: `Bearer ${READER}` },
    });
    expect((await rest.json()).rag).toMatchObject({ collections: 0, documents: 0 });
    const admin = await client(ADMIN).status.summary.query();
    expect(admin.rag).toMatchObject({ collections: 1, documents: 1 });
  });

  it('/v1 answers an OpenAI-shaped 404 (403 for a collection the key may not read)', async () => {
    const ask = async (apiKey: string, collection: string) => {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bastion', ...question(collection) }),
      });
      return { status: res.status, error: (await res.json()).error };
    };
    const missing = await ask(ADMIN, 'nope');
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({ type: 'not_found_error', code: 'collection_not_found' });
    for (const stream of [false, true]) {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bastion', stream, ...question('nope') }),
      });
      expect(res.status, `stream: ${stream}`).toBe(404);
    }
    const forbidden = await ask(READER, 'handbook');
    expect(forbidden.status).toBe(403);
    expect(forbidden.error.code).toBe('collection_forbidden');
  });
});
