import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditNginxHeaders, cacheTiers, securityHeaderNames } from '@bastion/security';
import { startEdge } from '../fixtures/nginx.ts';
import { expect, launchTrusting, test } from '../fixtures/nginx-test.ts';
import { fetchRaw, headerCount, type RawResponse } from '../fixtures/tls.ts';

const securityCli = fileURLToPath(new URL('../../packages/security/src/cli.ts', import.meta.url));

function expectSecuritySet(res: RawResponse, where: string, { tls }: { tls: boolean }) {
  for (const name of securityHeaderNames) {
    const expected = name === 'strict-transport-security' && !tls ? 0 : 1;
    expect(headerCount(res, name), `${where}: ${name}`).toBe(expected);
  }
}

test('the rendered config passes nginx -t and repeats the whole set in every block', ({ edge }) => {
  expect(edge.configTest.status).toBe(0);
  expect(edge.configTest.output).toContain('syntax is ok');
  expect(auditNginxHeaders(edge.config)).toEqual([]);
});

test('every response type carries the security set, with exactly one CSP', async ({ edge }) => {
  const csp = readFileSync(join(edge.root, 'csp.txt'), 'utf8').trim();
  const asset = readdirSync(join(edge.root, 'assets')).find((f) => f.endsWith('.js'))!;
  const cases: Array<[path: string, status: number]> = [
    ['/', 200],
    ['/some/client/route', 200],
    [`/assets/${asset}`, 200],
    ['/favicon.png', 200],
    ['/manifest.webmanifest', 200],
    ['/api/status/summary', 200],
    ['/api/trpc/status.summary', 200],
    ['/api/trpc/status.nope', 404],
    ['/assets/missing-0000.js', 404],
    ['/.security/nginx.conf', 403],
    ['/metrics', 404],
  ];
  for (const [path, status] of cases) {
    const res = await fetchRaw(`${edge.origin}${path}`, { ca: edge.ca.caPem });
    expect(res.status, path).toBe(status);
    expectSecuritySet(res, path, { tls: true });
    expect(res.headers['content-security-policy'], path).toBe(csp);
    expect(res.headers.server, path).toBe('nginx'); // server_tokens off: no version
  }
  // Plain HTTP, on the HTTP port and on the TLS port itself, is redirected to HTTPS.
  const tlsPort = new URL(edge.origin).port;
  for (const url of [`${edge.httpOrigin}/x?y=1`, `http://localhost:${tlsPort}/x?y=1`]) {
    const res = await fetchRaw(url);
    expect(res.status, url).toBe(301);
    expect(res.headers.location, url).toBe(`https://localhost:${tlsPort}/x?y=1`);
    expectSecuritySet(res, url, { tls: false });
  }
});

test('the served policy equals the committed baseline', async ({ edge }) => {
  const check = spawnSync(process.execPath, [securityCli, 'check', '--url', `${edge.origin}/`], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: edge.ca.caFile },
    encoding: 'utf8',
  });
  expect(check.stderr).toBe('');
  expect(check.stdout).toContain('match the baseline (8 headers)');
  expect(check.status).toBe(0);
});

test('cache tiers: immutable assets and icons, short data, revalidated shell, uncached API', async ({
  edge,
}) => {
  const html = (await fetchRaw(`${edge.origin}/`, { ca: edge.ca.caPem })).body;
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  // The loader and the entry's module preload (the stylesheet is inlined, allowed by its hash).
  expect(assets.length).toBeGreaterThanOrEqual(2);
  const expectations: Array<[string, string]> = [
    ['/', cacheTiers.shell],
    ['/index.html', cacheTiers.shell],
    ['/a/client/route', cacheTiers.shell],
    ...assets.map((a): [string, string] => [a, cacheTiers.immutable]),
    ['/favicon.png', cacheTiers.immutable],
    ['/manifest.webmanifest', cacheTiers.data],
    ['/api/status/summary', cacheTiers.api],
  ];
  for (const [path, cacheControl] of expectations) {
    const res = await fetchRaw(`${edge.origin}${path}`, { ca: edge.ca.caPem });
    expect(res.headers['cache-control'], path).toBe(cacheControl);
    expect(headerCount(res, 'cache-control'), path).toBe(1);
  }
});

test('favicon and manifest icons are served with their MIME type and a long cache', async ({
  edge,
}) => {
  const get = (path: string) => fetchRaw(`${edge.origin}${path}`, { ca: edge.ca.caPem });
  const html = (await get('/')).body;
  const favicon = /<link rel="icon" href="([^"]+)" type="([^"]+)"/.exec(html)!;
  const manifestRes = await get('/manifest.webmanifest');
  expect(manifestRes.headers['content-type']).toMatch(/^application\/manifest\+json/);
  const icons = (JSON.parse(manifestRes.body) as { icons: Array<{ src: string; type: string }> })
    .icons;
  expect(icons.length).toBeGreaterThan(0);
  for (const { src, type } of [{ src: favicon[1]!, type: favicon[2]! }, ...icons]) {
    const res = await get(src);
    expect(res.status, src).toBe(200);
    expect(res.headers['content-type'], src).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
    expect(res.headers['cache-control'], src).toBe(cacheTiers.immutable);
  }
});

test('the page runs in Chromium over TLS with SRI and no CSP violation', async ({
  edge,
  edgePage: page,
}) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${edge.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute(
    'data-state',
    // The page reached the API through the edge: any answer path, never offline or checking.
    /^(?:primary|warming|fallback|extractive)$/,
  );
  const sri = await page.$$eval(
    'script[src], link[rel=modulepreload], link[rel=stylesheet]',
    (els) =>
      els.map((el) => ({
        url: new URL(el.getAttribute('src') ?? el.getAttribute('href') ?? '', location.href)
          .pathname,
        preload: el.matches('link[rel=modulepreload]'),
        integrity: el.getAttribute('integrity'),
        crossorigin: el.getAttribute('crossorigin'),
      })),
  );
  const map = await page.$eval('script[type=importmap]', (el) => el.textContent ?? '');
  const mapped = (JSON.parse(map) as { integrity: Record<string, string> }).integrity;
  // The loader, the entry's module preload and the loader's own insertion (the entry module);
  // the stylesheet is inlined, allowed by its hash.
  expect(sri.length).toBeGreaterThanOrEqual(3);
  for (const { url, preload, integrity, crossorigin } of sri) {
    if (preload && integrity === null) {
      // A preload the app's own code adds (the chunks it imports once the first screen is
      // painted): the import map gives the URL its integrity, which the browser checks.
      expect(mapped[url], url).toMatch(/^sha384-/);
      continue;
    }
    expect(integrity, url).toMatch(/^sha384-/);
    expect(crossorigin, url).toBe('anonymous');
  }
  expect(problems).toEqual([]);
});

/** A JSON POST through the edge (trusting only the test CA). */
function postJson(
  url: string,
  body: unknown,
  ca: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('chat streams as server-sent events through nginx', async ({ edge }) => {
  const started = await postJson(
    `${edge.origin}/api/trpc/chat.start`,
    { messages: [{ role: 'user', content: 'What is Bastion?' }] },
    edge.ca.caPem,
  );
  expect(started.status).toBe(200);
  const { requestId } = JSON.parse(started.body).result.data as { requestId: string };
  const input = encodeURIComponent(JSON.stringify({ requestId }));
  const res = await fetchRaw(`${edge.origin}/api/trpc/chat.stream?input=${input}`, {
    ca: edge.ca.caPem,
    headers: { accept: 'text/event-stream' },
  });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  expect(res.headers['cache-control']).toBe('no-store');
  expectSecuritySet(res, 'sse', { tls: true });
  // tRPC frames: `event: connected|ping|return` for control, unnamed `id:`+`data:` for events.
  const frames = res.body.split('\n\n').map((frame) => frame.split('\n'));
  expect(frames[0]).toContain('event: connected');
  const events = frames
    .filter((lines) => !lines.some((l) => l.startsWith('event: ')))
    .flatMap((lines) => lines.filter((l) => l.startsWith('data: ')))
    .map((l) => (JSON.parse(l.slice('data: '.length)) as { type: string }).type);
  expect(events[0]).toBe('meta');
  expect(events).toContain('delta');
  expect(events.at(-1)).toMatch(/^(done|error)$/);
});

test('a burst is answered 429 with a typed body by the edge', async () => {
  const edge = await startEdge({ limits: { apiRate: '2r/s', apiBurst: 5 } });
  try {
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetchRaw(`${edge.origin}/api/status/summary`, { ca: edge.ca.caPem }),
      ),
    );
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    const sample = refused[0]!;
    expect(sample.headers['retry-after']).toBe('1');
    expect(sample.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(sample.body).error.data.reason).toBe('rate_limited');
    expectSecuritySet(sample, '429', { tls: true });
  } finally {
    await edge.stop();
  }
});

test('only the canonical spelling of an API path passes the edge', async ({ edge }) => {
  for (const path of ['/%61pi/status/summary', '/API/status/summary', '/api//status/summary']) {
    const res = await fetchRaw(`${edge.origin}${path}`, { ca: edge.ca.caPem });
    expect(res.status, path).toBe(400);
    expectSecuritySet(res, path, { tls: true });
  }
  // The adversarial suite (apps/server/test/adversarial-paths.test.ts) tries every spelling.
});

test('CORS: an unlisted origin is refused', async ({ edge }) => {
  const evil = 'https://evil.example';
  const res = await fetchRaw(`${edge.origin}/api/status/summary`, {
    ca: edge.ca.caPem,
    headers: { origin: evil },
  });
  expect(res.status).toBe(403);
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  expect(JSON.parse(res.body).error.data.reason).toBe('origin_not_allowed');
  const preflight = await fetchRaw(`${edge.origin}/api/trpc/status.summary`, {
    ca: edge.ca.caPem,
    method: 'OPTIONS',
    headers: { origin: evil, 'access-control-request-method': 'POST' },
  });
  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  const own = await fetchRaw(`${edge.origin}/api/status/summary`, {
    ca: edge.ca.caPem,
    headers: { origin: edge.origin },
  });
  expect(own.status).toBe(200);
});

test('SRI: an asset altered after the build is refused by Chromium', async () => {
  test.setTimeout(120_000); // its own edge and server, on a busy machine
  const edge = await startEdge();
  const browser = await launchTrusting(edge);
  try {
    const page = await browser.newPage();
    const html = (await fetchRaw(`${edge.origin}/`, { ca: edge.ca.caPem })).body;
    const entry =
      /<link rel="modulepreload" crossorigin="anonymous" href="(\/assets\/[^"]+\.js)"/.exec(
        html,
      )![1]!;
    appendFileSync(join(edge.root, entry), '\nconsole.log("tampered");\n');
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    await page.goto(`${edge.origin}/`);
    await expect.poll(() => errors.join('\n')).toMatch(/integrity/i);
    await page.waitForTimeout(500);
    await expect(page.getByTestId('status-pill')).toHaveCount(0);
    expect(errors.join('\n')).not.toContain('tampered');
  } finally {
    await browser.close();
    await edge.stop();
  }
});
