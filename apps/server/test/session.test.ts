import { connectRedis } from '@bastion/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../../packages/api/src/testing/services.ts';
import { RedisSessionStore, SESSIONS_PER_KEY, SessionStore } from '../src/plugins/sessions.ts';
import { startServer } from './helpers.ts';

// Issue #15, "the page in a keyed deployment": the page signs in once with a key and from then
// on is the key's actor through an HttpOnly, SameSite=Strict cookie; the page never holds the key.

const USER = 'user-secret-0123456789abcdef';
const OTHER = 'other-secret-0123456789abcdef';

function startKeyed(env: Record<string, string> = {}) {
  return startServer({
    API_KEYS: `alice:${USER},bob:${OTHER}`,
    API_KEY_COLLECTIONS: 'alice:docs',
    DISABLE_PRIMARY: '1',
    ...env,
  });
}

function call(
  url: string,
  procedure: string,
  {
    input,
    cookie,
    headers = {},
  }: { input?: unknown; cookie?: string; headers?: Record<string, string> } = {},
) {
  const mutation = ['session.signIn', 'session.signOut', 'chat.start'].includes(procedure);
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return fetch(`${url}/api/trpc/${procedure}${mutation ? '' : query}`, {
    method: mutation ? 'POST' : 'GET',
    headers: {
      ...(mutation ? { 'content-type': 'application/json' } : {}),
      ...(cookie ? { cookie } : {}),
      ...headers,
    },
    ...(mutation ? { body: JSON.stringify(input ?? {}) } : {}),
  });
}

const reasonOf = async (res: Response) => (await res.json()).error?.data?.reason;

async function signIn(url: string, key: string, headers: Record<string, string> = {}) {
  const res = await call(url, 'session.signIn', { input: { key }, headers });
  // (A first visit also gets its anonymous caller cookie.)
  const setCookie = res.headers.getSetCookie().find((c) => c.includes('_session=')) ?? '';
  return { res, setCookie, cookie: setCookie.split(';')[0]! };
}

describe('session sign-in on a keyed server', () => {
  let server: Awaited<ReturnType<typeof startKeyed>>;
  beforeAll(async () => {
    server = await startKeyed({ RATE_LIMIT_API: 'off' });
  });
  afterAll(() => server.stop());

  it('exchanges the key for an HttpOnly SameSite=Strict cookie that never carries the key', async () => {
    const { res, setCookie, cookie } = await signIn(server.url, USER);
    expect(res.status).toBe(200);
    expect((await res.json()).result.data).toEqual({ keyId: 'alice', role: 'user' });
    expect(setCookie).toMatch(
      /^bastion_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).not.toContain(USER);
    expect(setCookie).not.toMatch(/Secure/);

    const who = await call(server.url, 'session.whoami', { cookie });
    expect((await who.json()).result.data).toEqual({
      signedIn: true,
      keyId: 'alice',
      role: 'user',
      publicChat: false,
      keyRequired: true,
    });
  });

  it('gives the key’s actor: its access and its collection limits', async () => {
    const { cookie } = await signIn(server.url, USER);
    expect((await call(server.url, 'status.summary')).status).toBe(401);
    expect((await call(server.url, 'status.summary', { cookie })).status).toBe(200);
    const outside = await call(server.url, 'rag.search', {
      cookie,
      input: { query: 'x', collection: 'hr' },
    });
    expect(await reasonOf(outside)).toBe('collection_forbidden');
  });

  it('signs out for good: the old cookie is worth nothing afterwards', async () => {
    const { cookie } = await signIn(server.url, OTHER);
    expect(
      (await (await call(server.url, 'session.whoami', { cookie })).json()).result.data.keyId,
    ).toBe('bob');
    const out = await call(server.url, 'session.signOut', { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^bastion_session=;.*Expires=Thu, 01 Jan 1970/);
    const replay = await call(server.url, 'session.whoami', { cookie });
    expect((await replay.json()).result.data).toMatchObject({ signedIn: false, keyId: null });
  });

  it('refuses a wrong key, and a forged or foreign session cookie is just anonymous', async () => {
    const { res, setCookie } = await signIn(server.url, 'not-the-key-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(await reasonOf(res)).toBe('invalid_api_key');
    expect(setCookie).toBe('');
    const forged = `bastion_session=${'A'.repeat(43)}`;
    expect((await call(server.url, 'status.summary', { cookie: forged })).status).toBe(401);
  });

  it('refuses sign-in from another site (login CSRF) and from a form', async () => {
    const foreign = await signIn(server.url, USER, { origin: 'https://evil.example' });
    expect(foreign.res.status).toBe(403);
    const form = await fetch(`${server.url}/api/trpc/session.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ key: USER }),
    });
    expect(form.status).toBe(415);
  });

  it('marks the cookie Secure and __Host- under TLS, and clears it the same way', async () => {
    const tls = { 'x-forwarded-proto': 'https' };
    const { setCookie, cookie } = await signIn(server.url, USER, tls);
    expect(setCookie).toMatch(
      /^__Host-bastion_session=[\w-]{43};.*Path=\/;.*HttpOnly;.*Secure;.*SameSite=Strict/,
    );
    // A browser ignores a __Host- cookie without Secure, so a clearing one without it would
    // leave the old cookie in place.
    const out = await call(server.url, 'session.signOut', { cookie, headers: tls });
    expect(out.headers.get('set-cookie')).toMatch(
      /^__Host-bastion_session=;.*Path=\/;.*HttpOnly;.*Secure;.*SameSite=Strict/,
    );
  });
});

describe('a page served over https (ALLOWED_ORIGINS) behind a plain-HTTP proxy', () => {
  let server: Awaited<ReturnType<typeof startKeyed>>;
  beforeAll(async () => {
    server = await startKeyed({
      RATE_LIMIT_API: 'off',
      PUBLIC_CHAT: '1',
      ALLOWED_ORIGINS: 'http://localhost:5173,https://chat.example.com',
    });
  });
  afterAll(() => server.stop());

  // Attacker pass 4, F1: the edge reported the hop's scheme (http), and the cookie followed it.
  it('always sets __Host- Secure cookies, whatever scheme the request or a header claims', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }] as Record<string, string>[]) {
      const { res, setCookie, cookie } = await signIn(server.url, USER, headers);
      expect(res.status).toBe(200);
      expect(setCookie).toMatch(/^__Host-bastion_session=[\w-]{43};.*Path=\/;.*HttpOnly;.*Secure;/);
      // The anonymous caller cookie a first visit gets as well.
      expect(res.headers.getSetCookie().find((c) => c.includes('_caller='))).toMatch(
        /^__Host-bastion_caller=[\w-]{43};.*Secure;/,
      );
      const who = await call(server.url, 'session.whoami', { cookie, headers });
      expect((await who.json()).result.data).toMatchObject({ signedIn: true, keyId: 'alice' });
      const out = await call(server.url, 'session.signOut', { cookie, headers });
      expect(out.headers.get('set-cookie')).toMatch(/^__Host-bastion_session=;.*Secure;/);
    }
    // A cookie without the prefix (one a plain-HTTP page could plant) is not read.
    const { cookie } = await signIn(server.url, USER);
    const planted = cookie.replace('__Host-', '');
    const who = await call(server.url, 'session.whoami', { cookie: planted });
    expect((await who.json()).result.data).toMatchObject({ signedIn: false });
  });
});

describe('a session and its key share one rate budget', () => {
  let server: Awaited<ReturnType<typeof startKeyed>>;
  beforeAll(async () => {
    server = await startKeyed({ RATE_LIMIT_API: '4/min' });
  });
  afterAll(() => server.stop());

  it('spends the key’s RATE_LIMIT_API budget, not a fresh one', async () => {
    const { cookie } = await signIn(server.url, USER);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/status/summary`, {
        headers: { authorization: `Bearer ${USER}` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    const limited = await call(server.url, 'status.summary', { cookie });
    expect(limited.status).toBe(429);
    expect(await reasonOf(limited)).toBe('rate_limited');
  });
});

describe('sign-in is rate limited', () => {
  let server: Awaited<ReturnType<typeof startKeyed>>;
  beforeAll(async () => {
    server = await startKeyed({ RATE_LIMIT_API: 'off' });
  });
  afterAll(() => server.stop());

  it('allows 10 attempts a minute per client, then 429 with Retry-After, even for the right key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await signIn(server.url, `guess-${i}-0123456789abcdef`)).res.status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    const { res } = await signIn(server.url, USER);
    expect(res.status).toBe(429);
    expect(await reasonOf(res)).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('PUBLIC_CHAT on a keyed server', () => {
  let server: Awaited<ReturnType<typeof startKeyed>>;
  beforeAll(async () => {
    server = await startKeyed({ PUBLIC_CHAT: '1', RATE_LIMIT_API: 'off' });
  });
  afterAll(() => server.stop());

  it('opens chat, search and the page’s other calls to anonymous callers, and nothing else', async () => {
    const whoami = await call(server.url, 'session.whoami');
    expect((await whoami.json()).result.data).toMatchObject({
      signedIn: false,
      publicChat: true,
      keyRequired: true,
    });
    expect((await call(server.url, 'rag.search', { input: { query: 'bastion' } })).status).toBe(
      200,
    );
    const started = await call(server.url, 'chat.start', {
      input: { messages: [{ role: 'user', content: 'What is Bastion?' }] },
    });
    expect(started.status).toBe(200);
    // The page's collection picker, ratings and analytics are open too (anonymous-callers.test.ts).
    for (const procedure of [
      'status.summary',
      'rag.documents',
      'analytics.summary',
      'tools.list',
    ]) {
      const res = await call(server.url, procedure);
      expect(res.status, procedure).toBe(401);
    }
    expect((await fetch(`${server.url}/api/status/summary`)).status).toBe(401);
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
    // A batch that slips a closed procedure beside an open one: the closed one is refused
    // (batch-calls.test.ts), the open one answered.
    const batch = await fetch(
      `${server.url}/api/trpc/rag.search,rag.documents?batch=1&input=${encodeURIComponent('{"0":{"query":"x"},"1":{}}')}`,
    );
    const [open, closed] = (await batch.json()) as { error?: { data: { reason: string } } }[];
    expect(open?.error).toBeUndefined();
    expect(closed?.error?.data.reason).toBe('unauthenticated');
  });
});

describe('the session store', () => {
  it('expires sessions, keeps only digests, and caps its size', () => {
    let now = 0;
    const store = new SessionStore(() => now);
    const id = store.create('alice');
    expect(store.keyIdOf(id)).toBe('alice');
    expect(
      JSON.stringify([...(store as unknown as { sessions: Map<string, unknown> }).sessions.keys()]),
    ).not.toContain(id);
    now += 12 * 60 * 60 * 1000;
    expect(store.keyIdOf(id)).toBeNull();
    expect(store.keyIdOf('short')).toBeNull();
    const ids = Array.from({ length: 10_001 }, () => store.create('bob'));
    expect(store.keyIdOf(ids[0])).toBeNull();
    expect(store.keyIdOf(ids[10_000])).toBe('bob');
  });

  // Attacker pass 4, F3: a full store evicted the oldest session of any key, so one user key
  // signing in 10,000 times signed out every browser, admins included.
  it('caps each key and evicts only the flooding key’s own sessions', () => {
    const store = new SessionStore();
    const admin = store.create('root');
    const own = Array.from({ length: SESSIONS_PER_KEY + 1 }, () => store.create('bob'));
    expect(store.keyIdOf(own[0])).toBeNull();
    expect(store.keyIdOf(own[1])).toBe('bob');
    // Many keys together past the global cap: the key holding the most loses its oldest.
    const rest = Array.from({ length: 9 * SESSIONS_PER_KEY + 50 }, (_, i) =>
      store.create(`k${i % 9}`),
    );
    expect(store.keyIdOf(admin)).toBe('root');
    expect(store.keyIdOf(rest.at(-1))).toBe(`k${(rest.length - 1) % 9}`);
    const alive = [...own, ...rest].filter((id) => store.keyIdOf(id) !== null).length;
    expect(alive + 1).toBeLessThanOrEqual(10_000);
  });

  it('caps each key in Redis too, evicting the key’s own oldest', async () => {
    const service = await startRedis();
    const redis = await connectRedis(service.url, { info() {}, warn() {} });
    try {
      const store = new RedisSessionStore(redis);
      const admin = await store.create('root');
      const own: string[] = [];
      for (let i = 0; i <= SESSIONS_PER_KEY; i++) own.push(await store.create('bob'));
      expect(await store.keyIdOf(own[0])).toBeNull();
      expect(await store.keyIdOf(own[1])).toBe('bob');
      expect(await store.keyIdOf(own.at(-1))).toBe('bob');
      expect(await store.keyIdOf(admin)).toBe('root');
      await store.delete(own[1]);
      expect(await store.keyIdOf(own[1])).toBeNull();
      expect(await redis.zcard('bastion:session:key:bob')).toBe(SESSIONS_PER_KEY - 1);
    } finally {
      await redis.quit();
      await service.stop();
    }
  });
});
