import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers.ts';

describe('server (API only)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('answers liveness and readiness', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it('serves the same status summary over plain JSON and through the typed client', async () => {
    const client = createBastionClient({ url: server.url });
    const viaClient = await client.status.summary.query();
    const res = await fetch(`${server.url}/api/status/summary`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const viaJson = await res.json();
    expect(viaClient).toMatchObject({ ok: true, ready: true, version: '0.1.0' });
    expect({ ...viaJson, uptimeS: 0 }).toEqual({ ...viaClient, uptimeS: 0 });
  });

  it('gives every response a request id and keeps a well-formed upstream one', async () => {
    const minted = await fetch(`${server.url}/healthz`);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'edge-1234abcd' },
    });
    expect(kept.headers.get('x-request-id')).toBe('edge-1234abcd');
    const hostile = await fetch(`${server.url}/healthz`, {
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps an upstream request id only from a TRUST_PROXY peer', async () => {
    // Loopback (this test) is not among the proxies: its header is a client's, not the edge's.
    for (const trustProxy of ['192.0.2.1,10.0.0.0/8', 'off']) {
      const direct = await startServer({ TRUST_PROXY: trustProxy });
      try {
        const res = await fetch(`${direct.url}/healthz`, {
          headers: { 'x-request-id': 'chosen-by-client-1234' },
        });
        expect(res.headers.get('x-request-id'), trustProxy).toMatch(/^[0-9a-f-]{36}$/);
      } finally {
        await direct.stop();
      }
    }
  });

  it('answers unknown procedures with a typed error and no stack trace', async () => {
    const res = await fetch(`${server.url}/api/trpc/status.nope`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.data.reason).toBe('not_found');
    expect(JSON.stringify(body)).not.toContain('stack');

    const client = createBastionClient({ url: server.url });
    // @ts-expect-error: not part of the router
    const failure = await client.status.nope.query().catch((e: unknown) => e);
    expect(errorReason(failure)).toBe('not_found');
  });

  it('sends the API key as a bearer token when the client has one', async () => {
    const seen: string[] = [];
    const client = createBastionClient({
      url: server.url,
      apiKey: 'k1:s3cret', // secret-scan: allow (test key)
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('authorization') ?? '');
        return fetch(input, init);
      },
    });
    await client.status.summary.query();
    expect(seen).toEqual(['Bearer k1:s3cret']); // secret-scan: allow (test key)
  });
});

describe('server (with the web app)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let root: string;
  beforeAll(async () => {
    root = tempDir('bastion-web-');
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Bastion</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'manifest.webmanifest'), '{}');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    server = await startServer({ WEB_ROOT: root });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the HTML shell uncached and hashed assets immutable', async () => {
    const shell = await fetch(`${server.url}/`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toContain('text/html');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const manifest = await fetch(`${server.url}/manifest.webmanifest`);
    expect(manifest.headers.get('cache-control')).toBe('public, max-age=300');
    const icon = await fetch(`${server.url}/favicon.svg`);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('falls back to the shell for client routes but not for API or file paths', async () => {
    const route = await fetch(`${server.url}/some/route`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Bastion</title>');
    expect((await fetch(`${server.url}/api/unknown`)).status).toBe(404);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
  });

  it('never serves dotfiles', async () => {
    const res = await fetch(`${server.url}/.env`);
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain('SECRET');
  });
});
