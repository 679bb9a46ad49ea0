import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

describe('app-level API rate limit', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_API: '5/min',
      API_KEYS: 'k1:first-secret-0123456789,k2:second-secret-0123456789',
    });
  });
  afterAll(() => server.stop());

  const call = (path: string, key: string) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('answers 429 with Retry-After and a typed body once the budget is spent, per key', async () => {
    const client = createBastionClient({ url: server.url, apiKey: 'second-secret-0123456789' });
    for (let i = 0; i < 5; i++) await client.status.summary.query();
    expect(errorReason(await client.status.summary.query().catch((e: unknown) => e))).toBe(
      'rate_limited',
    );
    const refused = await call('/api/status/summary', 'second-secret-0123456789');
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
    // Another key has its own budget.
    expect((await call('/api/status/summary', 'first-secret-0123456789')).status).toBe(200);
  });

  it('counts every call of a tRPC batch', async () => {
    const server = await startServer({ RATE_LIMIT_API: '4/min' });
    try {
      const batch = (n: number) =>
        fetch(
          `${server.url}/api/trpc/${Array(n).fill('status.summary').join(',')}?batch=1&input=%7B%7D`,
        );
      expect((await batch(3)).status).toBe(200);
      const refused = await batch(3);
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.data.reason).toBe('rate_limited');
    } finally {
      await server.stop();
    }
  });

  it('shares one budget between /api and /v1, and never limits liveness', async () => {
    for (let i = 0; i < 4; i++) await call('/api/status/summary', 'first-secret-0123456789');
    const v1 = await call('/v1/models', 'first-secret-0123456789');
    expect(v1.status).toBe(429);
    expect((await v1.json()).error).toMatchObject({
      code: 'rate_limited',
      type: 'rate_limit_error',
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('a caller without a key is counted per address', () => {
  it('counts every address of one IPv6 /64 as one caller, and another /64 apart', async () => {
    const server = await startServer({ RATE_LIMIT_API: '3/min' });
    try {
      const from = (address: string) =>
        fetch(`${server.url}/api/status/summary`, { headers: { 'x-forwarded-for': address } });
      for (const address of ['2001:db8:1::1', '2001:db8:1:0:0:0:0:2', '2001:db8:1::abcd:3']) {
        expect((await from(address)).status).toBe(200);
      }
      expect((await from('2001:db8:1::ffff:4')).status).toBe(429);
      expect((await from('2001:DB8:1:0::5')).status).toBe(429);
      expect((await from('2001:db8:2::1')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
