import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSecurity, parseCsp, securityHeaderNames } from '@bastion/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers.ts';

function securedWebRoot(): string {
  const root = tempDir('bastion-web-');
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>Bastion</title><script type="module" crossorigin src="/assets/index-abc123.js"></script>',
  );
  buildSecurity(root);
  return root;
}

const NON_CSP = securityHeaderNames.filter(
  (n) => n !== 'content-security-policy' && n !== 'strict-transport-security',
);

describe('security headers from the server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let csp: string;
  let root: string;
  beforeAll(async () => {
    root = securedWebRoot();
    csp = readFileSync(join(root, 'csp.txt'), 'utf8').trim();
    server = await startServer({ WEB_ROOT: root });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['/', '/some/route', '/assets/index-abc123.js', '/favicon.svg', '/missing.js'])(
    '%s carries the page policy: the built CSP exactly once, and the whole set',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-security-policy')).toBe(csp);
      for (const name of NON_CSP) expect(res.headers.get(name), name).toBeTruthy();
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      // Plain HTTP: HSTS would be ignored by browsers, so it is not sent.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    },
  );

  it.each(['/api/status/summary', '/api/trpc/status.summary', '/healthz', '/readyz'])(
    '%s (data, not a document) gets the set without a CSP, and no-store',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-security-policy')).toBeNull();
      for (const name of NON_CSP) expect(res.headers.get(name), name).toBeTruthy();
      expect(res.headers.get('cache-control')).toBe('no-store');
    },
  );

  it('sends HSTS when a trusted proxy says the request came over TLS', async () => {
    const res = await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBe(
      'max-age=63072000; includeSubDomains',
    );
  });
});

describe('security headers without a secured build', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let root: string;
  beforeAll(async () => {
    root = tempDir('bastion-web-');
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Bastion</title>');
    server = await startServer({ WEB_ROOT: root });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('trusts no script at all rather than running unchecked code', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = parseCsp(res.headers.get('content-security-policy') ?? '');
    expect(csp.get('script-src')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
  });
});
