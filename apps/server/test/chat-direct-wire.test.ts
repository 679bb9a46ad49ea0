import { describe, expect, it } from 'vitest';
import { useServerWithFakeModel } from './helpers.ts';

/**
 * `chat.start` and `chat.stream` are answered directly (plugins/trpc-direct.ts), not through
 * tRPC's fetch adapter. The same request with `connectionParams={}` in its query is one the direct
 * routes hand to tRPC's adapter (Bastion's context reads no connection params), so the two
 * answers can be held side by side: same status, headers and body, whatever the request. (Not
 * `chat%2Estart`: the router decodes the path, so that spelling is the direct route too.)
 */
describe('chat calls answered directly', () => {
  const fake = useServerWithFakeModel();

  /**
   * Status, headers (less those unique to each reply, and how its length is told) and body of
   * one request, read to its end.
   */
  async function answer(url: string, init: RequestInit = {}, omit: string[] = []) {
    const res = await fetch(url, init);
    const body = (await res.text())
      // The feedback token's expiry is the time it was issued; each run has its own id.
      .replace(/"feedbackToken":"[^"]*"/g, '"feedbackToken":"…"')
      .replace(/"requestId":"[0-9a-f-]{36}"/g, '"requestId":"…"');
    const varying = ['date', 'x-request-id', 'set-cookie', 'content-length', 'transfer-encoding'];
    const kept = [...res.headers]
      .filter(([name]) => !varying.includes(name) && !omit.includes(name))
      // Fastify names the charset of the JSON body it sends; tRPC's adapter leaves it implied.
      .map(([name, value]) => [name, name === 'content-type' ? value.split(';')[0] : value]);
    return { status: res.status, headers: kept.sort(), body };
  }
  /** Where the direct routes hand a request to tRPC's adapter. */
  const TRPC_ADAPTER = 'connectionParams=%7B%7D';

  it('starts answers as tRPC does: a question, bad input, bad JSON, no body, a missing collection', async () => {
    const server = await fake.start();
    expect(server.routes).toContainEqual({ method: 'POST', url: '/api/trpc/chat.start' });
    const question = { messages: [{ role: 'user', content: 'What is Bastion?' }] };
    const json = { 'content-type': 'application/json' };
    const cases: RequestInit[] = [
      { headers: json, body: JSON.stringify(question) },
      {
        headers: { 'content-type': 'Application/JSON; charset=utf-8' },
        body: JSON.stringify(question),
      },
      { headers: json, body: JSON.stringify({ messages: [] }) },
      { headers: json, body: '{"messages": [' },
      { headers: json, body: '' },
      { headers: json, body: JSON.stringify({ ...question, collection: 'no-such-collection' }) },
    ];
    for (const init of cases) {
      const direct = await answer(`${server.url}/api/trpc/chat.start`, { method: 'POST', ...init });
      const viaTrpc = await answer(`${server.url}/api/trpc/chat.start?${TRPC_ADAPTER}`, {
        method: 'POST',
        ...init,
      });
      expect(direct).toEqual(viaTrpc);
    }
  });

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
      // The direct stream is never stored (`no-store`, its own test); tRPC's says `no-cache`.
      const url = `${server.url}/api/trpc/chat.stream?${query}`;
      const direct = await answer(url, { headers }, ['cache-control']);
      const viaTrpc = await answer(`${url}&${TRPC_ADAPTER}`, { headers }, ['cache-control']);
      expect(direct).toEqual(viaTrpc);
      expect(direct.body.startsWith('event: connected\n')).toBe(true);
      answered ||= direct.body.includes('"text":"Hello world"');
    }
    // The cases did reach the run (a replay from its start holds the whole answer).
    expect(answered).toBe(true);
  });

  it("answers a body or an input that is not JSON as tRPC does: 400, the parser's message", async () => {
    const server = await fake.start();
    const json = { 'content-type': 'application/json' };
    const body = '{"messages": [{"role": "user", "content": private words}]}';
    // tRPC's own adapter (a batch of one) reads the same body as a bad request.
    const batched = await fetch(`${server.url}/api/trpc/chat.start?batch=1`, {
      method: 'POST',
      headers: json,
      body: `{"0": ${body}}`,
    });
    expect(batched.status).toBe(400);
    const started = await fetch(`${server.url}/api/trpc/chat.start`, {
      method: 'POST',
      headers: json,
      body,
    });
    expect(started.status).toBe(400);
    const error = (await started.json()).error;
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid_input' });
    expect(error.message).toMatch(/JSON/);
    const stream = await answer(`${server.url}/api/trpc/chat.stream?input=%7Bnot%20json`);
    expect(stream.status).toBe(200);
    expect(stream.body).toContain('"reason":"invalid_input"');
  });

  it('never lets a cache store an answer stream (no-store, as every API response)', async () => {
    const server = await fake.start();
    const input = encodeURIComponent(JSON.stringify({ requestId: crypto.randomUUID() }));
    const res = await fetch(`${server.url}/api/trpc/chat.stream?input=${input}`);
    await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-store, no-transform');
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
