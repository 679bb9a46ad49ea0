import { existsSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from './attack.ts';
import { startServer, tempDir } from './helpers.ts';

// Issue #20, findings 1 and 6, one test per defect as it was reported.

const USER = 'user-secret-0123456789abcdef';
const ADMIN = 'admin-secret-0123456789abcdef';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('finding 1: guards follow the route, not the URL string', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      API_KEYS: `alice:${USER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      API_KEY_COLLECTIONS: 'alice:docs',
      RATE_LIMIT_API: '4/min',
    });
  });
  afterAll(() => server.stop());

  it('the spellings from the report meet the key check', async () => {
    const get = (path: string, headers = {}) =>
      sendRaw(server.url, { method: 'GET', path, headers });
    expect((await get('/%61pi/trpc/status.summary')).status).toBe(401);
    expect((await get('/%61pi/status/summary')).status).toBe(401);
    expect((await get('/%6detrics')).status).toBe(401);
    expect((await get('/%6detrics', bearer(USER))).status).toBe(403);
    const chat = await sendRaw(server.url, {
      method: 'POST',
      path: '/api/trpc/%63hat.complete',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat).toMatchObject({ status: 401, reason: 'unauthenticated' });
  });

  it('no spelling reaches a collection outside the key’s limits, or any without a key', async () => {
    const input = encodeURIComponent(JSON.stringify({ query: 'x', collection: 'hr' }));
    const search = (headers: Record<string, string>) =>
      sendRaw(server.url, {
        method: 'GET',
        path: `/%61pi/trpc/rag.%73earch?input=${input}`,
        headers,
      });
    expect(await search({})).toMatchObject({ status: 401, reason: 'unauthenticated' });
    expect(await search(bearer(USER))).toMatchObject({
      status: 403,
      reason: 'collection_forbidden',
    });
  });

  it('a foreign origin is refused on an encoded path', async () => {
    const reply = await sendRaw(server.url, {
      method: 'POST',
      path: '/%61pi/trpc/chat.complete',
      headers: {
        ...bearer(ADMIN),
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(reply).toMatchObject({ status: 403, reason: 'origin_not_allowed' });
  });

  it('the API rate limit counts every spelling', async () => {
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await sendRaw(server.url, {
            method: 'GET',
            path: '/api/status/summary',
            headers: bearer(ADMIN),
          })
        ).status,
      ).toBe(200);
    }
    const spellings = ['/%61pi/status/summary', '/api/st%61tus/summary', '/api/status/%73ummary'];
    const statuses = [];
    for (const path of spellings) {
      statuses.push(
        (await sendRaw(server.url, { method: 'GET', path, headers: bearer(ADMIN) })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

/** Reads an SSE response until `needle` shows up or `ms` pass; returns what it read. */
async function readStream(res: Response, needle: RegExp, ms = 3_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !needle.test(text)) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
    ]);
    if (!next || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text;
}

describe('finding 6: the default (keyless) setup', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(tempDir(), 'data');
    server = await startServer({
      DATA_DIR: dataDir,
      DISABLE_PRIMARY: '1',
      REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('a cross-site <img> or form cannot reach the API; a JSON body is required to start work', async () => {
    const input = encodeURIComponent(JSON.stringify({ requestId: crypto.randomUUID() }));
    const img = await fetch(`${server.url}/api/trpc/chat.stream?input=${input}`, {
      headers: {
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'no-cors',
        'sec-fetch-dest': 'image',
      },
    });
    expect(img.status).toBe(403);
    expect((await img.json()).error.data.reason).toBe('cross_site_request');
    for (const type of [
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
    ]) {
      const form = await fetch(`${server.url}/api/trpc/chat.start`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"messages":[{"role":"user","content":"hi"}]}',
      });
      expect(form.status, type).toBe(415);
    }
    // A mutation never runs from a GET (a link or an <img>).
    const get = await fetch(`${server.url}/api/trpc/chat.start?input=${input}`);
    expect(get.status).toBe(405);
    // The page itself (same origin) still works.
    const own = await fetch(`${server.url}/api/trpc/status.summary`, {
      headers: { 'sec-fetch-site': 'same-origin', origin: server.url },
    });
    expect(own.status).toBe(200);
  });

  it('a run belongs to its anonymous starter: another browser can neither follow nor cancel it', async () => {
    const browser = async () => {
      const res = await fetch(`${server.url}/api/trpc/session.whoami`);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^bastion_caller=[\w-]{43};.*HttpOnly.*SameSite=Strict/i);
      return cookie.split(';')[0]!;
    };
    const [alice, mallory] = [await browser(), await browser()];
    expect(alice).not.toBe(mallory);
    const started = await fetch(`${server.url}/api/trpc/chat.start`, {
      method: 'POST',
      headers: { cookie: alice, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What is Bastion?' }] }),
    });
    const { requestId } = (await started.json()).result.data;
    const input = encodeURIComponent(JSON.stringify({ requestId }));
    const stolen = await fetch(`${server.url}/api/trpc/chat.stream?input=${input}`, {
      headers: { cookie: mallory },
    });
    expect(await readStream(stolen, /run_not_found/)).toContain('run_not_found');
    const cancel = await fetch(`${server.url}/api/trpc/chat.cancel`, {
      method: 'POST',
      headers: { cookie: mallory, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId }),
    });
    expect((await cancel.json()).result.data).toEqual({ cancelled: false });
    const own = await fetch(`${server.url}/api/trpc/chat.stream?input=${input}`, {
      headers: { cookie: alice },
    });
    expect(await readStream(own, /"type":"done"/)).toContain('"type":"done"');
  });

  it('answers only to known host names (DNS rebinding)', async () => {
    const rebound = await sendRaw(server.url, {
      method: 'GET',
      path: '/api/status/summary',
      headers: { host: 'rebind.evil.example' },
    });
    expect(rebound).toMatchObject({ status: 421, reason: null });
    expect(rebound.body).toContain('host_not_allowed');
    expect(rebound.headers['x-content-type-options']).toBe('nosniff');
    for (const host of ['localhost', '127.0.0.1', '[::1]:8787', 'LOCALHOST.']) {
      const ok = await sendRaw(server.url, { method: 'GET', path: '/healthz', headers: { host } });
      expect(ok.status, host).toBe(200);
    }
  });

  /**
   * Sends `start`, then `drip` every 200 ms, like a slowloris client; resolves with how long the
   * server kept the socket (-1: still open after 8 s) and what it answered.
   */
  async function slowClient(start: string, drip: string) {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
    });
    socket.on('error', () => {});
    const started = Date.now();
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(Date.now() - started)),
    );
    socket.write(start);
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    const elapsed = await Promise.race([
      closed,
      new Promise<number>((r) => setTimeout(() => r(-1), 8_000)),
    ]);
    clearInterval(timer);
    socket.destroy();
    return { elapsed, reply };
  }

  it('times out a request whose body never finishes', async () => {
    const { elapsed, reply } = await slowClient(
      'POST /api/trpc/chat.start HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      ' ',
    );
    expect(elapsed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(4_000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply.toLowerCase()).toContain('x-content-type-options: nosniff');
  });

  it('times out a request whose headers never finish', async () => {
    const { elapsed } = await slowClient(
      'GET /healthz HTTP/1.1\r\nHost: localhost\r\n',
      'X-Slow: 1\r\n',
    );
    expect(elapsed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('keeps the data directory private: 0700, database files 0600', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const db = join(dataDir, 'bastion.sqlite');
    for (const file of [db, `${db}-wal`, `${db}-shm`].filter(existsSync)) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  });

  it('sends the header policy and no-store on every reply, errors included', async () => {
    const replies = [
      await sendRaw(server.url, { method: 'GET', path: '/api/nope' }),
      await sendRaw(server.url, { method: 'GET', path: '/v1/nope' }),
      await sendRaw(server.url, { method: 'GET', path: '/%zz' }),
      await sendRaw(server.url, { method: 'GET', path: '/nope' }),
      await sendRaw(server.url, {
        method: 'GET',
        path: '/healthz',
        // Past the header limit, which fits a search at its length cap (server.ts).
        headers: { 'x-big': 'x'.repeat(100_000) },
      }),
    ];
    expect(replies.map((r) => r.status)).toEqual([404, 404, 400, 404, 431]);
    expect(replies[0]!.reason).toBe('not_found');
    expect(JSON.parse(replies[1]!.body).error).toMatchObject({
      code: 'not_found',
      type: 'not_found_error',
    });
    for (const reply of replies) {
      expect(reply.headers['cache-control'], String(reply.status)).toBe('no-store');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['x-frame-options']).toBe('DENY');
      expect(reply.headers['referrer-policy']).toBeTruthy();
    }
  });
});
