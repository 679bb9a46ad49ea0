import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChatRequest } from '../src/plugins/rate-limit.ts';
import { startServer } from './helpers.ts';

describe('isChatRequest', () => {
  it('recognises chat procedures, batched ones included', () => {
    expect(isChatRequest('/api/trpc/chat.stream?input=%7B%7D')).toBe(true);
    expect(isChatRequest('/api/trpc/status.summary,chat.complete?batch=1')).toBe(true);
    expect(isChatRequest('/v1/chat/completions')).toBe(true);
    expect(isChatRequest('/api/trpc/status.summary')).toBe(false);
    expect(isChatRequest('/api/trpc/rag.search?input=chat.stream')).toBe(false);
  });
});

describe('app-level rate limits', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_API: '5/min',
      RATE_LIMIT_CHAT: '2/min',
      API_KEYS: 'k1:first-secret-0123456789,k2:second-secret-0123456789',
    });
  });
  afterAll(() => server.stop());

  const call = (path: string, key: string) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('answers 429 with Retry-After and a typed body once the chat limit is spent', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call('/api/trpc/chat.nope', 'first-secret-0123456789')).status);
    expect(statuses.slice(0, 2)).not.toContain(429);
    const refused = await call('/api/trpc/chat.nope', 'first-secret-0123456789');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await refused.json();
    expect(body.error.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      reason: 'rate_limited',
    });
    expect(body.error.data.retryAfterMs).toBeGreaterThan(0);
  });

  it('limits the whole API separately, per key, and the typed client sees rate_limited', async () => {
    const client = createBastionClient({ url: server.url, apiKey: 'second-secret-0123456789' });
    for (let i = 0; i < 5; i++) await client.status.summary.query();
    expect(errorReason(await client.status.summary.query().catch((e: unknown) => e))).toBe(
      'rate_limited',
    );
    // k1 spent 4 of its 5 API calls on chat above: one left, then refused.
    expect((await call('/api/status/summary', 'first-secret-0123456789')).status).toBe(200);
    expect((await call('/api/status/summary', 'first-secret-0123456789')).status).toBe(429);
    // Liveness is never rate limited.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
