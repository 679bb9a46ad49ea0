import { type ClientRequest, request } from 'node:http';
import { type BastionClient, createBastionClient, errorReason } from '@bastion/api/client';
import { describe, expect, it } from 'vitest';
import { useServerWithFakeModel } from './helpers.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };
const ALICE = 'alice-secret-0123456789';
const BOB = 'bob-secret-0123456789xx';
const KEYS = `alice:${ALICE},bob:${BOB}`;
const SLOW = { tokens: Array.from({ length: 40 }, (_, i) => `t${i} `), tokenDelayMs: 25 };

const reasons = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'ok' : errorReason(r.reason)));
const count = (list: (string | null)[], value: string) => list.filter((x) => x === value).length;

describe('chat limits count model calls, not HTTP requests', () => {
  const fake = useServerWithFakeModel();
  const start = (env: Record<string, string>, scenario = {}) => fake.start(env, scenario);

  it('counts each chat.complete of one tRPC batch against RATE_LIMIT_CHAT', async () => {
    const { url } = await start({ RATE_LIMIT_CHAT: '5/min', CHAT_MAX_ACTIVE_PER_CALLER: '100' });
    // The typed client sends chat calls one by one; another client may batch them.
    const batch = await fetch(
      `${url}/api/trpc/${Array(14).fill('chat.complete').join(',')}?batch=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          Object.fromEntries(Array.from({ length: 14 }, (_, i) => [i, QUESTION])),
        ),
      },
    );
    const seen = ((await batch.json()) as { error?: { data: { reason: string } } }[]).map(
      (call) => call.error?.data.reason ?? 'ok',
    );
    expect(count(seen, 'ok')).toBe(5);
    expect(count(seen, 'rate_limited')).toBe(9);
    expect(fake.primary.requests).toHaveLength(5);
    // A refusal carries when to retry, as a header and in the typed body.
    const refused = await fetch(`${url}/api/trpc/chat.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(QUESTION),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await refused.json();
    expect(body.error.data).toMatchObject({ reason: 'rate_limited', httpStatus: 429 });
    expect(body.error.data.retryAfterMs).toBeGreaterThan(0);
  });

  it('holds chat.complete to CHAT_MAX_ACTIVE answers in flight', async () => {
    const { url } = await start({ CHAT_MAX_ACTIVE: '2', CHAT_MAX_ACTIVE_PER_CALLER: '100' }, SLOW);
    const client = createBastionClient({ url });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => client.chat.complete.mutate(QUESTION)),
    );
    const seen = reasons(results);
    expect(count(seen, 'ok')).toBe(2);
    expect(count(seen, 'server_busy')).toBe(4);
    expect(fake.primary.requests).toHaveLength(2);
  });

  it('keeps one key from holding every slot: its own cap refuses it, another key still chats', async () => {
    const { url } = await start(
      { API_KEYS: KEYS, CHAT_MAX_ACTIVE: '3', CHAT_MAX_ACTIVE_PER_CALLER: '2' },
      SLOW,
    );
    const alice = createBastionClient({ url, apiKey: ALICE });
    const bob = createBastionClient({ url, apiKey: BOB });
    await alice.chat.start.mutate(QUESTION);
    await alice.chat.start.mutate(QUESTION);
    const third = await alice.chat.start.mutate(QUESTION).catch((e: unknown) => e);
    expect(errorReason(third)).toBe('too_many_answers');
    const viaComplete = await alice.chat.complete.mutate(QUESTION).catch((e: unknown) => e);
    expect(errorReason(viaComplete)).toBe('too_many_answers');
    expect((await bob.chat.complete.mutate(QUESTION)).servedBy).toBe('primary');
  });

  it('caps the streams one caller may hold open', async () => {
    const { url } = await start(
      { API_KEYS: KEYS, CHAT_MAX_STREAMS_PER_CALLER: '2', CHAT_RESUME_GRACE_MS: '5000' },
      { tokens: Array.from({ length: 200 }, (_, i) => `t${i} `), tokenDelayMs: 20 },
    );
    const alice = createBastionClient({ url, apiKey: ALICE });
    const bob = createBastionClient({ url, apiKey: BOB });
    const { requestId } = await alice.chat.start.mutate(QUESTION);
    const open = (client: BastionClient, id: string) =>
      new Promise<string>((resolve) => {
        const sub = client.chat.stream.subscribe(
          { requestId: id },
          {
            onData: () => resolve('open'),
            onError: (error) => {
              sub.unsubscribe();
              resolve(errorReason(error) ?? 'unknown');
            },
          },
        );
        subscriptions.push(sub);
      });
    const subscriptions: { unsubscribe: () => void }[] = [];
    try {
      expect(await open(alice, requestId)).toBe('open');
      expect(await open(alice, requestId)).toBe('open');
      expect(await open(alice, requestId)).toBe('too_many_streams');
      const other = await bob.chat.start.mutate(QUESTION);
      expect(await open(bob, other.requestId)).toBe('open');
    } finally {
      for (const sub of subscriptions) sub.unsubscribe();
    }
  });

  it('holds a viewer’s stream slot until its connection closes, read or not', async () => {
    // A long finished answer (6 MB: more than the loopback sockets buffer, about 2 MB here): its
    // events are produced at once, and wait in the server for a viewer that does not read.
    const { url } = await start(
      { API_KEYS: KEYS, CHAT_MAX_STREAMS_PER_CALLER: '2', CHAT_RESUME_GRACE_MS: '5000' },
      { tokens: Array.from({ length: 6_000 }, (_, i) => `${i} ${'x'.repeat(1_000)} `) },
    );
    const alice = createBastionClient({ url, apiKey: ALICE });
    const { requestId } = await alice.chat.start.mutate(QUESTION);
    await streamToEnd(alice, requestId);
    const input = encodeURIComponent(JSON.stringify({ requestId }));
    const paused: ClientRequest[] = [];
    const openPaused = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${url}/api/trpc/chat.stream?input=${input}`,
          { headers: { authorization: `Bearer ${ALICE}`, accept: 'text/event-stream' } },
          (res) => {
            // Reads nothing more: the answer waits in the server's buffers.
            res.pause();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
        paused.push(req);
      });
    try {
      expect(await openPaused()).toBe(200);
      expect(await openPaused()).toBe(200);
      // Long enough for both runs' events to be produced: the slots stay taken all the same.
      await new Promise((r) => setTimeout(r, 500));
      expect(await streamToEnd(alice, requestId).catch(errorReason)).toBe('too_many_streams');
    } finally {
      for (const req of paused) req.destroy();
    }
    // Closed connections give their slots back.
    await new Promise((r) => setTimeout(r, 200));
    expect(await streamToEnd(alice, requestId)).toBeGreaterThan(2);
  });
});

/** Reads a run's stream to its end; resolves to the number of events, rejects with its error. */
function streamToEnd(client: BastionClient, requestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let events = 0;
    const sub = client.chat.stream.subscribe(
      { requestId },
      {
        onData: (event) => {
          events++;
          if (event.data.type === 'done') {
            sub.unsubscribe();
            resolve(events);
          }
        },
        onError: (error) => {
          sub.unsubscribe();
          reject(error);
        },
      },
    );
  });
}
