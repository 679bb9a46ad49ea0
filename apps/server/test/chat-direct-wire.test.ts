import { describe, expect, it } from 'vitest';
import { useServerWithFakeModel } from './helpers.ts';

/**
 * `chat.stream` is written straight to the socket (plugins/trpc-sse.ts) instead of through tRPC's
 * fetch adapter. The same request spelled `chat%2Estream` still reaches tRPC's own route, so the
 * two answers can be held side by side: same status, headers and bytes, whatever the request.
 */
describe('chat.stream written directly', () => {
  const fake = useServerWithFakeModel();

  /** Status, headers (less the ones unique to each reply) and body of one GET, read to its end. */
  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    const body = (await res.text())
      // The feedback token's expiry is the time it was issued.
      .replace(/"feedbackToken":"[^"]*"/g, '"feedbackToken":"…"');
    const kept = [...res.headers].filter(
      ([name]) => !['date', 'x-request-id', 'set-cookie'].includes(name),
    );
    return { status: res.status, headers: kept.sort(), body };
  }

  it('answers every request as tRPC does: replay, resume, a bad input, an unknown run', async () => {
    const server = await fake.start({}, { tokens: ['Hello ', 'world'] });
    expect(server.routes).toContainEqual({ method: 'GET', url: '/api/trpc/chat.stream' });
    const started = await fetch(`${server.url}/api/trpc/chat.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What is Bastion?' }] }),
    });
    const { requestId } = (await started.json()).result.data as { requestId: string };
    const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;
    const cases: Array<[string, Record<string, string>?]> = [
      [input({ requestId })],
      [input({ requestId, lastEventId: `${requestId}:0` })],
      [input({ requestId }), { 'last-event-id': `${requestId}:1` }],
      [`${input({ requestId })}&lastEventId=${requestId}:1`],
      [input({ requestId: 'not-a-uuid' })],
      [input({ requestId: '00000000-0000-4000-8000-000000000000' })],
      ['input=%7Bnot%20json'],
      [''],
    ];
    let answered = false;
    for (const [query, headers] of cases) {
      const direct = await get(`${server.url}/api/trpc/chat.stream?${query}`, headers);
      const viaTrpc = await get(`${server.url}/api/trpc/chat%2Estream?${query}`, headers);
      expect(direct).toEqual(viaTrpc);
      expect(direct.body.startsWith('event: connected\n')).toBe(true);
      answered ||= direct.body.includes('"text":"Hello world"');
    }
    // The cases did reach the run (a replay from its start holds the whole answer).
    expect(answered).toBe(true);
  });

  it('stops the run when its only viewer goes away, as with tRPC', async () => {
    const server = await fake.start(
      { CHAT_RESUME_GRACE_MS: '0' },
      { tokens: Array.from({ length: 400 }, (_, i) => `t${i} `), tokenDelayMs: 10 },
    );
    const started = await fetch(`${server.url}/api/trpc/chat.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'long answer please' }] }),
    });
    const { requestId } = (await started.json()).result.data as { requestId: string };
    const controller = new AbortController();
    const res = await fetch(
      `${server.url}/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId }))}`,
      { signal: controller.signal },
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    for (let text = ''; !text.includes('"delta"'); ) {
      text += decoder.decode((await reader.read()).value);
    }
    controller.abort();
    // The model's request is closed once nobody watches (grace 0).
    await expect
      .poll(() => fake.primary.requests.at(-1)?.abortedAt, { timeout: 5_000 })
      .toBeGreaterThan(0);
  });
});
