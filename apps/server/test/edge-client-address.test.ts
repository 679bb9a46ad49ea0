import { readFileSync } from 'node:fs';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, startTestEdge, type TestEdge } from './attack.ts';
import { startServer } from './helpers.ts';

// Attacker pass 6, F1: behind a TLS terminator (TLS.md option 1) the edge replaced the
// terminator's X-Forwarded-For with the terminator's address, so the server and nginx's own zones
// saw one client: one caller's wrong keys locked every caller out of signing in, its answers in
// flight used up everyone's cap, and the edge's rate zones were site-wide.

const MALLORY = '198.51.100.7';
const ALICE = '203.0.113.20';
const KEY = 'alice-secret-0123456789';
const QUESTION = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });

/** Each test client connects from 127.0.0.1: the terminator, when the edge trusts that address. */
const modes = [
  { name: 'trusting the terminator', trustedProxies: ['127.0.0.1'], separate: true },
  { name: 'trusting no proxy (the default)', trustedProxies: undefined, separate: false },
  // The peer is not among the trusted: what it sends in X-Forwarded-For is ignored.
  { name: 'trusting other addresses only', trustedProxies: ['192.0.2.0/24'], separate: false },
];

describe.each(modes)('the edge $name', ({ trustedProxies, separate }) => {
  let fake: FakeOpenAI;
  let server: Awaited<ReturnType<typeof startServer>>;
  let edge: TestEdge;
  beforeAll(async () => {
    // Every answer stops after its first token and stays in flight until the server stops.
    fake = await startFakeOpenAI({ defaultScenario: { tokens: ['a', 'b'], stallAfter: 1 } });
    server = await startServer({
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
      API_KEYS: `alice:${KEY}`,
      PUBLIC_CHAT: '1',
      RATE_LIMIT_SIGN_IN: '3/min',
      RATE_LIMIT_API: 'off',
      RATE_LIMIT_CHAT: 'off',
      CHAT_MAX_ACTIVE_PER_CALLER: '1',
    });
    // Two new answers at once per client address, then one a minute.
    edge = await startTestEdge(new URL(server.url).host, {
      limits: { chatRate: '1r/m', chatBurst: 1 },
      ...(trustedProxies ? { trustedProxies } : {}),
    });
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await server?.stop();
    await fake?.close();
  });

  /** A request as the terminator passes it on for `forwardedFor`. */
  const send = (forwardedFor: string, path: string, body: string) =>
    sendRaw(edge.url, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body,
    });
  const signIn = (forwardedFor: string, key: string) =>
    send(forwardedFor, '/api/trpc/session.signIn', JSON.stringify({ key }));
  const chatStart = (forwardedFor: string) => send(forwardedFor, '/api/trpc/chat.start', QUESTION);

  it('keeps sign-in budgets apart: wrong keys from one client lock out that client only', async () => {
    const wrong = [];
    for (let i = 0; i < 3; i++) wrong.push((await signIn(MALLORY, `guess-${i}-0123456789`)).status);
    expect(wrong).toEqual([401, 401, 401]);
    expect(await signIn(MALLORY, 'guess-x-0123456789')).toMatchObject({
      status: 429,
      reason: 'rate_limited',
    });
    // A terminator appends its peer to what the client sent: claiming Alice's address is no way
    // out of the budget.
    expect((await signIn(`${ALICE}, ${MALLORY}`, KEY)).status).toBe(429);
    expect((await signIn(ALICE, KEY)).status).toBe(separate ? 200 : 429);
  });

  it('keeps answer caps, anonymous runs and the edge’s chat zone apart', async () => {
    const started = await chatStart(MALLORY);
    expect(started.status).toBe(200);
    // Her one answer in flight is her cap at the server…
    expect(await chatStart(MALLORY)).toMatchObject({ status: 429, reason: 'too_many_answers' });
    // …and her third new answer within the minute the edge's (the server's own rate is off).
    const refused = await chatStart(MALLORY);
    expect(refused).toMatchObject({ status: 429, reason: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('60');
    // Alice's answer starts only when neither counts Mallory's against her.
    const alice = await chatStart(ALICE);
    if (separate) expect(alice.status).toBe(200);
    else expect(alice).toMatchObject({ status: 429, reason: 'rate_limited' });
    // Mallory's run, started without a cookie, is hers by address: Alice cannot end it.
    const { requestId } = JSON.parse(started.body).result.data;
    const cancel = await send(ALICE, '/api/trpc/chat.cancel', JSON.stringify({ requestId }));
    expect(JSON.parse(cancel.body).result.data).toEqual({ cancelled: !separate });
  });

  it('logs the address it counted', () => {
    const addresses = new Set(
      readFileSync(edge.accessLog, 'utf8')
        .trim()
        .split('\n')
        // The start-up probe of /healthz came from the test itself, with no X-Forwarded-For.
        .filter((line) => line.includes(' /api/'))
        .map((line) => line.split(' ')[0]),
    );
    expect(addresses).toEqual(new Set(separate ? [MALLORY, ALICE] : ['127.0.0.1']));
  });
});
