import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

const LISTED = 'https://chat.example.com';

async function preflight(url: string, origin: string) {
  return fetch(`${url}/api/trpc/status.summary`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
}

describe('CORS with an allowlist', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ ALLOWED_ORIGINS: `${LISTED},http://localhost:5173` });
  });
  afterAll(() => server.stop());

  it('lets a listed origin call the API, without credentials and with restricted methods/headers', async () => {
    const pre = await preflight(server.url, LISTED);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    const res = await fetch(`${server.url}/api/status/summary`, { headers: { origin: LISTED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('refuses an unlisted origin outright, preflight included', async () => {
    for (const origin of ['https://evil.example', 'null', `${LISTED}.evil.example`]) {
      const res = await fetch(`${server.url}/api/status/summary`, { headers: { origin } });
      expect(res.status, origin).toBe(403);
      expect((await res.json()).error.data.reason).toBe('origin_not_allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await preflight(server.url, origin);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    }
    const post = await fetch(`${server.url}/api/trpc/feedback.submit`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(post.status).toBe(403);
  });

  it('always lets the page call its own origin', async () => {
    const host = new URL(server.url).host;
    const res = await fetch(`${server.url}/api/status/summary`, {
      headers: { origin: `http://${host}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('CORS with no ALLOWED_ORIGINS (the default)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('is same-origin only', async () => {
    const res = await fetch(`${server.url}/api/status/summary`, { headers: { origin: LISTED } });
    expect(res.status).toBe(403);
    expect((await fetch(`${server.url}/api/status/summary`)).status).toBe(200);
  });
});
