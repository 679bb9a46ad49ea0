import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/env.ts';
import { findKey } from '../src/plugins/auth.ts';
import { startServer } from './helpers.ts';

// Spy on the comparison the auth plugin uses, keeping the real implementation.
const crypto = vi.hoisted(() => ({ calls: [] as Array<[number, number]> }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.calls.push([a.byteLength, b.byteLength]);
      return real.timingSafeEqual(a, b);
    },
  };
});

const USER = 'user-secret-0123456789';
const ADMIN = 'admin-secret-0123456789';
const keys = {
  API_KEYS: `alice:${USER},bob:bob-secret-0123456789`,
  ADMIN_API_KEYS: `root:${ADMIN}`,
};

async function status(url: string, path: string, key?: string) {
  const res = await fetch(
    `${url}${path}`,
    key ? { headers: { authorization: `Bearer ${key}` } } : {},
  );
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  return { status: res.status, reason: body?.error?.data?.reason ?? null, res };
}

describe('API keys', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer(keys);
  });
  afterAll(() => server.stop());

  it('refuses a missing key, refuses a wrong key, accepts a right one', async () => {
    const missing = await status(server.url, '/api/status/summary');
    expect(missing).toMatchObject({ status: 401, reason: 'unauthenticated' });
    expect(missing.res.headers.get('www-authenticate')).toBe('Bearer realm="bastion"');
    expect(await status(server.url, '/api/status/summary', 'not-a-key-at-all')).toMatchObject({
      status: 401,
      reason: 'invalid_api_key',
    });
    expect((await status(server.url, '/api/status/summary', USER)).status).toBe(200);
    expect((await status(server.url, '/api/status/summary', ADMIN)).status).toBe(200);
  });

  it('gives typed clients the same stable reasons', async () => {
    const anonymous = createBastionClient({ url: server.url });
    expect(errorReason(await anonymous.status.summary.query().catch((e: unknown) => e))).toBe(
      'unauthenticated',
    );
    const wrong = createBastionClient({ url: server.url, apiKey: 'wrong-wrong-wrong-wrong' });
    expect(errorReason(await wrong.status.summary.query().catch((e: unknown) => e))).toBe(
      'invalid_api_key',
    );
    const right = createBastionClient({ url: server.url, apiKey: USER });
    expect(await right.status.summary.query()).toMatchObject({ ok: true });
  });

  it('keeps liveness and readiness open', async () => {
    expect((await status(server.url, '/healthz')).status).toBe(200);
    expect((await status(server.url, '/readyz')).status).toBe(200);
  });

  it('lets only admin keys call admin procedures', async () => {
    const user = createBastionClient({ url: server.url, apiKey: USER });
    expect(errorReason(await user.tools.list.query().catch((e: unknown) => e))).toBe(
      'admin_required',
    );
    const admin = createBastionClient({ url: server.url, apiKey: ADMIN });
    await expect(admin.tools.list.query()).resolves.toBeTruthy();
  });

  it('guards /metrics with an admin key, refusing in plain text (a scraper speaks no tRPC)', async () => {
    const refusal = async (key?: string) => {
      const { res } = await status(server.url, '/metrics', key);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    expect(await refusal()).toEqual({
      status: 401,
      type: 'text/plain; charset=utf-8',
      body: 'An admin API key is required [unauthenticated]\n',
    });
    expect(await refusal(USER)).toEqual({
      status: 403,
      type: 'text/plain; charset=utf-8',
      body: 'An admin API key is required [admin_required]\n',
    });
    expect((await refusal('not-a-key-0123456789')).body).toBe(
      'The API key is not valid [invalid_api_key]\n',
    );
    expect((await status(server.url, '/metrics', ADMIN)).status).toBe(200);
  });

  it('compares SHA-256 digests in constant time against every key, without stopping early', async () => {
    crypto.calls.length = 0;
    const found = findKey(USER, loadConfig(keys).security.keys);
    expect(found?.id).toBe('alice');
    expect(crypto.calls).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
    crypto.calls.length = 0;
    expect(findKey(`${USER}x`, loadConfig(keys).security.keys)).toBeNull();
    expect(crypto.calls).toHaveLength(3);
  });

  it('keeps no secret in the parsed configuration', () => {
    const config = loadConfig(keys).security;
    expect(JSON.stringify(config)).not.toContain(USER);
    expect(config.keys.map((k) => [k.id, k.role])).toEqual([
      ['alice', 'user'],
      ['bob', 'user'],
      ['root', 'admin'],
    ]);
  });
});

describe('without an admin key configured', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ API_KEYS: keys.API_KEYS });
  });
  afterAll(() => server.stop());

  it('refuses admin procedures to every caller', async () => {
    const user = createBastionClient({ url: server.url, apiKey: USER });
    expect(errorReason(await user.tools.list.query().catch((e: unknown) => e))).toBe(
      'admin_disabled',
    );
  });
});

describe('without any key configured (the zero-configuration default)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('serves the API openly, /metrics included, and ignores stray bearer tokens', async () => {
    expect((await status(server.url, '/api/status/summary')).status).toBe(200);
    expect((await status(server.url, '/api/status/summary', 'anything-at-all')).status).toBe(200);
    expect((await status(server.url, '/metrics')).status).toBe(200);
    const client = createBastionClient({ url: server.url });
    expect(errorReason(await client.tools.list.query().catch((e: unknown) => e))).toBe(
      'admin_disabled',
    );
  });
});

describe('the caller reaches procedures as ctx.actor', () => {
  it("resolves key id and role from the bearer key, and the key's collection limits", async () => {
    const server = await startServer({ ...keys, API_KEY_COLLECTIONS: 'alice:docs,faq' });
    try {
      const who = (key: string) =>
        createBastionClient({ url: server.url, apiKey: key }).session.whoami.query();
      expect(await who(USER)).toMatchObject({ signedIn: true, keyId: 'alice', role: 'user' });
      expect(await who(ADMIN)).toMatchObject({ signedIn: true, keyId: 'root', role: 'admin' });
      const alice = createBastionClient({ url: server.url, apiKey: USER });
      const outside = await alice.rag.search
        .query({ query: 'x', collection: 'hr' })
        .catch((e) => e);
      expect(errorReason(outside)).toBe('collection_forbidden');
    } finally {
      await server.stop();
    }
  });
});
