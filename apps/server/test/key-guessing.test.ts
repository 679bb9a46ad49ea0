import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

// Attacker pass 4, F0: a wrong bearer key was refused before any budget counted it, so keys could
// be guessed at request speed on /api, /v1 and /metrics; and an Authorization header that was not
// `Bearer <key>` was ignored, so the caller went on as a guest of a PUBLIC_CHAT server.

const USER = 'user-secret-0123456789';
const ADMIN = 'admin-secret-0123456789';

async function send(url: string, path: string, address: string, authorization?: string) {
  const res = await fetch(`${url}${path}`, {
    headers: { 'x-forwarded-for': address, ...(authorization ? { authorization } : {}) },
  });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  const reason = body?.error?.data?.reason ?? body?.error?.code ?? null;
  return { status: res.status, reason, retryAfter: res.headers.get('retry-after') };
}

function signIn(url: string, address: string, key: string) {
  return fetch(`${url}/api/trpc/session.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ key }),
  });
}

describe('refused keys cost from the sign-in budget of the address', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      API_KEYS: `alice:${USER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      PUBLIC_CHAT: '1',
      RATE_LIMIT_API: 'off',
      DISABLE_PRIMARY: '1',
    });
  });
  afterAll(() => server.stop());

  it('allows 10 wrong keys a minute on /v1, then 429 for every key that address presents', async () => {
    const address = '10.77.0.1';
    const wrong = [];
    for (let i = 0; i < 10; i++)
      wrong.push(await send(server.url, '/v1/models', address, `Bearer guess-${i}-0123456789`));
    expect(wrong.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(wrong[0]?.reason).toBe('invalid_api_key');
    const limited = await send(server.url, '/v1/models', address, 'Bearer guess-x-0123456789');
    expect(limited).toMatchObject({ status: 429, reason: 'rate_limited' });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    // The right key too: a 200 among 429s would still tell a guesser which key is right.
    expect((await send(server.url, '/v1/models', address, `Bearer ${USER}`)).status).toBe(429);
    expect((await signIn(server.url, address, USER)).status).toBe(429);
    // Another address is not affected, and the limited one may still call without a key.
    expect((await send(server.url, '/v1/models', '10.77.0.2', `Bearer ${USER}`)).status).toBe(200);
    expect((await send(server.url, '/api/trpc/session.whoami', address)).status).toBe(200);
  });

  it('shares one budget across /api, /v1, /metrics and sign-in', async () => {
    const address = '10.77.1.1';
    const statuses = [
      ...(await Promise.all(
        ['/api/status/summary', '/v1/models', '/metrics'].flatMap((path) =>
          [0, 1, 2].map(
            async (i) =>
              (
                await send(server.url, path, address, `Bearer wrong-${path}-${i}-0123456789`)
              ).status,
          ),
        ),
      )),
      (await signIn(server.url, address, 'wrong-sign-in-0123456789')).status,
    ];
    expect(statuses).toEqual(Array(10).fill(401));
    for (const path of ['/api/status/summary', '/v1/models', '/metrics']) {
      expect((await send(server.url, path, address, 'Bearer one-more-0123456789')).status).toBe(
        429,
      );
    }
    expect((await send(server.url, '/metrics', address, `Bearer ${ADMIN}`)).status).toBe(429);
    expect((await send(server.url, '/metrics', '10.77.1.2', `Bearer ${ADMIN}`)).status).toBe(200);
  });

  it('refuses a credential that is not a well-formed bearer key instead of serving a guest', async () => {
    const search = `/api/trpc/rag.search?input=${encodeURIComponent('{"query":"bastion"}')}`;
    // Anonymous callers may search on this PUBLIC_CHAT server.
    expect((await send(server.url, search, '10.77.2.1')).status).toBe(200);
    const malformed = [
      `Bearer ${USER} extra`,
      `Bearer\t${USER}`,
      `Token ${USER}`,
      `Basic ${Buffer.from(`alice:${USER}`).toString('base64')}`,
      'Bearer',
      'Bearer ',
      `${USER}`,
    ];
    for (const [i, authorization] of malformed.entries()) {
      const res = await send(server.url, search, `10.77.2.${10 + i}`, authorization);
      expect({ authorization, ...res }).toMatchObject({ status: 401, reason: 'invalid_api_key' });
    }
    // The well-formed key still works, in any case of the scheme name.
    expect((await send(server.url, search, '10.77.2.1', `bearer ${USER}`)).status).toBe(200);
  });
});

describe('a server without keys', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_API: 'off', DISABLE_PRIMARY: '1' });
  });
  afterAll(() => server.stop());

  it('ignores Authorization headers altogether (nothing to guess)', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await send(server.url, '/v1/models', '10.78.0.1', `Bearer anything-${i}`);
      expect(res.status).toBe(200);
    }
  });
});
