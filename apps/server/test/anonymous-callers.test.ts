import { randomBytes } from 'node:crypto';
import { createBastionClient, errorReason } from '@bastion/api/client';
import { describe, expect, it } from 'vitest';
import { useServerWithFakeModel } from './helpers.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };
const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' } };
/** A well-formed caller cookie nobody was ever given: a client may invent as many as it likes. */
const inventedCookie = () => `bastion_caller=${randomBytes(32).toString('base64url')}`;

/** The body of an SSE stream up to its terminal event (or `ms`), as text. */
async function readStream(
  url: string,
  cookie?: string,
  headers: Record<string, string> = {},
  ms = 5_000,
): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  let text = '';
  try {
    const res = await fetch(url, {
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (/"type":"(done|error)"|serialized-error/.test(text)) break;
    }
  } catch {
    // Timed out: what arrived is the answer.
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return text;
}

describe('anonymous callers (attacker review findings)', () => {
  const fake = useServerWithFakeModel();
  const start = async (env: Record<string, string> = {}) => (await fake.start(env)).url;

  it('counts anonymous answers per address, however many caller cookies a client invents', async () => {
    const url = await start({ RATE_LIMIT_CHAT: '3/min', CHAT_MAX_ACTIVE_PER_CALLER: '100' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${url}/api/trpc/chat.complete`, {
        ...JSON_POST,
        headers: { ...JSON_POST.headers, cookie: inventedCookie() },
        body: JSON.stringify(QUESTION),
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it("makes a browser's first request's run its own, and nobody else's", async () => {
    const url = await start();
    const started = await fetch(`${url}/api/trpc/chat.start`, {
      ...JSON_POST,
      body: JSON.stringify(QUESTION),
    });
    expect(started.status).toBe(200);
    const cookie = (started.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^bastion_caller=/);
    const { requestId } = (await started.json()).result.data;
    const stream = `${url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`;

    // A caller elsewhere (another address, with or without a cookie) is told it does not exist.
    const elsewhere = { 'x-forwarded-for': '198.51.100.7' };
    expect(await readStream(stream, inventedCookie(), elsewhere)).toContain('run_not_found');
    expect(await readStream(stream, undefined, elsewhere)).toContain('run_not_found');
    // The starter, now carrying the cookie it was given, follows its answer to the end.
    const own = await readStream(stream, cookie);
    expect(own).toContain('"type":"done"');
    expect(own).not.toContain('run_not_found');
  });

  it("follows a first visit's run whichever of its concurrent first calls' cookies the browser kept", async () => {
    const url = await start();
    // A page's first calls go out together, each without a cookie, and each is handed one; the
    // browser keeps whichever came back last, which need not be the one chat.start was given.
    const [whoami, started] = await Promise.all([
      fetch(`${url}/api/trpc/session.whoami`),
      fetch(`${url}/api/trpc/chat.start`, { ...JSON_POST, body: JSON.stringify(QUESTION) }),
    ]);
    const kept = (whoami.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(kept).toMatch(/^bastion_caller=/);
    expect(kept).not.toBe((started.headers.get('set-cookie') ?? '').split(';')[0]);
    const { requestId } = (await started.json()).result.data;
    const stream = `${url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`;
    const own = await readStream(stream, kept);
    expect(own).toContain('"type":"done"');
  });

  it('keeps a run started with a cookie to that cookie, even at the same address', async () => {
    const url = await start();
    const cookie = inventedCookie();
    const started = await fetch(`${url}/api/trpc/chat.start`, {
      ...JSON_POST,
      headers: { ...JSON_POST.headers, cookie },
      body: JSON.stringify(QUESTION),
    });
    const { requestId } = (await started.json()).result.data;
    const stream = `${url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`;
    expect(await readStream(stream, inventedCookie())).toContain('run_not_found');
    expect(await readStream(stream)).toContain('run_not_found');
    expect(await readStream(stream, cookie)).toContain('"type":"done"');
  });

  it('lets a client that keeps no cookies (the CLI) follow the run it started', async () => {
    const url = await start();
    const client = createBastionClient({ url });
    const { requestId } = await client.chat.start.mutate(QUESTION);
    const stream = `${url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`;
    expect(await readStream(stream)).toContain('"type":"done"');
  });

  it('with PUBLIC_CHAT, anonymous visitors read only the default collection', async () => {
    const admin = 'admin-secret-0123456789';
    const url = await start({
      API_KEYS: 'u1:user-secret-0123456789',
      ADMIN_API_KEYS: `a1:${admin}`,
      API_KEY_COLLECTIONS: 'u1:docs',
      PUBLIC_CHAT: '1',
    });
    const documents = [
      { path: 'rollout.md', content: '# Rollout\n\nThe rollout access key lives in the vault.' },
    ];
    await createBastionClient({ url, apiKey: admin }).rag.ingest.mutate({
      collection: 'secret',
      documents,
    });
    const anonymous = createBastionClient({ url });
    const refused = await anonymous.rag.search
      .query({ query: 'rollout access key', collection: 'secret' })
      .then(() => 'ok', errorReason);
    expect(refused).toBe('collection_forbidden');
    const chat = await anonymous.chat.complete
      .mutate({ ...QUESTION, collection: 'secret' })
      .then(() => 'ok', errorReason);
    expect(chat).toBe('collection_forbidden');
    expect((await anonymous.rag.search.query({ query: 'Bastion' })).hits).toBeDefined();
  });

  describe('what the page offers an anonymous visitor of a keyed server', () => {
    const ADMIN = 'admin-secret-0123456789';
    const KEYED = { API_KEYS: 'u1:user-secret-0123456789', ADMIN_API_KEYS: `a1:${ADMIN}` };
    /** The page's client: no key, the page's own Origin (analytics take the page's events only). */
    const visitor = (url: string) =>
      createBastionClient({
        url,
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...Object.fromEntries(new Headers(init?.headers)), origin: url },
          }),
      });
    const outcome = (call: Promise<unknown>) => call.then(() => 'ok', errorReason);

    it('with PUBLIC_CHAT: rating its own answers, page events, the public collections; nothing else', async () => {
      const url = await start({ ...KEYED, PUBLIC_CHAT: '1' });
      const admin = createBastionClient({ url, apiKey: ADMIN });
      const documents = [{ path: 'a.md', content: '# A\n\nAbout Bastion.' }];
      await admin.rag.ingest.mutate({ collection: 'secret', documents });
      await admin.rag.ingest.mutate({ documents });
      const page = visitor(url);

      // The collection picker lists what a visitor may read, and only that.
      expect((await page.rag.collections.query()).map((c) => c.id)).toEqual(['default']);
      // 👍 on its own answer, whether it came whole or streamed (the meta event carries the token).
      const whole = await page.chat.complete.mutate(QUESTION);
      expect(
        await outcome(
          page.feedback.submit.mutate({
            requestId: whole.requestId,
            token: whole.feedbackToken ?? '',
            rating: 'up',
          }),
        ),
      ).toBe('ok');
      const { requestId } = await page.chat.start.mutate(QUESTION);
      const events = await readStream(
        `${url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`,
      );
      const token = /"feedbackToken":"([^"]+)"/.exec(events)?.[1] ?? '';
      expect(await outcome(page.feedback.submit.mutate({ requestId, token, rating: 'down' }))).toBe(
        'ok',
      );
      // Not on an answer it was not given.
      expect(
        await outcome(
          page.feedback.submit.mutate({ requestId: whole.requestId, token, rating: 'up' }),
        ),
      ).toBe('feedback_not_allowed');
      // Its own visitor id's events, their export and erasure.
      const visitorId = crypto.randomUUID();
      const event = { visitorId, event: 'page_view', props: { path: '/' } } as const;
      expect(await outcome(page.analytics.track.mutate(event))).toBe('ok');
      expect((await page.analytics.export.query({ visitorId })).events).toHaveLength(1);
      expect(await outcome(page.analytics.erase.mutate({ visitorId }))).toBe('ok');
      // Never what needs a key.
      for (const [name, call] of [
        ['analytics.summary', () => page.analytics.summary.query()],
        ['status.summary', () => page.status.summary.query()],
        ['rag.documents', () => page.rag.documents.query({})],
        ['rag.ingest', () => page.rag.ingest.mutate({ documents })],
        ['tools.list', () => page.tools.list.query()],
      ] as const) {
        expect(await outcome(call()), name).toBe('unauthenticated');
      }
    });

    it('without PUBLIC_CHAT: none of it', async () => {
      const url = await start(KEYED);
      const page = visitor(url);
      const visitorId = crypto.randomUUID();
      for (const [name, call] of [
        ['rag.collections', () => page.rag.collections.query()],
        [
          'analytics.track',
          () =>
            page.analytics.track.mutate({ visitorId, event: 'page_view', props: { path: '/' } }),
        ],
        [
          'feedback.submit',
          () =>
            page.feedback.submit.mutate({
              requestId: 'r1234567',
              token: `1.${'A'.repeat(43)}`,
              rating: 'up',
            }),
        ],
      ] as const) {
        expect(await outcome(call()), name).toBe('unauthenticated');
      }
    });

    it('counts ratings and events per client address, a batch per call', async () => {
      const url = await start({ PUBLIC_CHAT: '1', ...KEYED, RATE_LIMIT_API: '1000/min' });
      const rate = (n: number) =>
        fetch(`${url}/api/trpc/${Array(n).fill('feedback.submit').join(',')}?batch=1`, {
          ...JSON_POST,
          headers: { ...JSON_POST.headers, origin: url },
          body: JSON.stringify(
            Object.fromEntries(
              Array.from({ length: n }, (_, i) => [
                i,
                { requestId: 'r1234567', token: `1.${'A'.repeat(43)}`, rating: 'up' },
              ]),
            ),
          ),
        });
      // 59 refused ratings (no such answer) spend the budget as well as accepted ones would…
      for (let i = 0; i < 59; i++) expect((await rate(1)).status).toBe(403);
      // …and a batch of two pays for two: the 61st call of the minute is refused.
      const over = await rate(2);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.stringify(await over.json())).toContain('rate_limited');
    });
  });

  it('never echoes an unknown URL (query included) into the reply', async () => {
    const url = await start();
    const res = await fetch(`${url}/API/trpc/chat.start?api_key=leaky-secret-0123456789&q=private`);
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).not.toContain('leaky-secret');
    expect(body).not.toContain('private');
  });
});
