import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  guardedTargets,
  type RawReply,
  sendRaw,
  spellings,
  startTestEdge,
  type Target,
  type TestEdge,
} from './attack.ts';
import { startServer, tempDir } from './helpers.ts';

// Finding 1 of issue #20: guards keyed on URL strings. Every route under /api, /v1 and /metrics
// (read from the server's own route table and the tRPC router), every spelling of its path, must
// meet the same guard as the canonical spelling, directly and through the generated nginx.

const USER = 'user-secret-0123456789abcdef';
const ADMIN = 'admin-secret-0123456789abcdef';
const SHELL = '<!doctype html><title>Bastion</title>';

interface Attack {
  name: string;
  headers: Record<string, string>;
  /** The refusal the canonical spelling must get (checked first, so the attack is meaningful). */
  refusal: (target: Target) => number | null;
  only?: (target: Target) => boolean;
}

const json = { 'content-type': 'application/json' };
const user = { authorization: `Bearer ${USER}`, ...json };
const anonymousMay = (t: Target) => t.procedure?.startsWith('session.') ?? false;

const attacks: Attack[] = [
  { name: 'no key', headers: json, refusal: (t) => (anonymousMay(t) ? null : 401) },
  {
    name: 'a wrong key',
    headers: { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong', ...json },
    refusal: () => 401,
  },
  {
    name: 'a foreign Origin',
    headers: { ...user, origin: 'https://evil.example' },
    refusal: (t) => (t.path === '/metrics' ? 403 : 403),
    only: (t) => t.path !== '/metrics',
  },
  {
    name: 'a cross-site browser request without Origin (an <img>)',
    headers: { ...user, 'sec-fetch-site': 'cross-site' },
    refusal: () => 403,
    only: (t) => t.path !== '/metrics',
  },
  {
    name: 'a form-encodable body',
    headers: { authorization: `Bearer ${USER}`, 'content-type': 'text/plain' },
    refusal: () => 415,
    only: (t) => t.method === 'POST',
  },
  {
    name: 'a user key on admin-only routes',
    headers: user,
    refusal: () => 403,
    only: (t) => t.path === '/metrics' || ['tools.list', 'tools.exec'].includes(t.procedure ?? ''),
  },
];

function send(base: string, target: Target, path: string, headers: Record<string, string>) {
  return sendRaw(base, {
    method: target.method,
    path,
    headers,
    ...(target.method === 'POST' ? { body: '{}' } : {}),
  });
}

/** Refusals of the guards (key, admin, origin, media type, rate). */
const GUARD_STATUSES = new Set([401, 403, 415, 429]);

/** A reply that ran no route of a guarded surface: not found, a malformed request, or the page. */
function reachedNoApiRoute(reply: RawReply): boolean {
  if ([400, 404, 405].includes(reply.status) && [null, 'not_found'].includes(reply.reason)) {
    return true;
  }
  return reply.status === 200 && reply.body === SHELL;
}

function assertSameGuard(
  canonical: RawReply,
  variant: RawReply,
  label: string,
  { edge }: { edge: boolean },
): void {
  const same = variant.status === canonical.status && variant.reason === canonical.reason;
  // Where the canonical spelling passed the guards, a spelling that a guard refuses is stricter.
  const stricter = !GUARD_STATUSES.has(canonical.status) && GUARD_STATUSES.has(variant.status);
  if (!same && !stricter && !reachedNoApiRoute(variant)) {
    throw new Error(
      `${label}: got ${variant.status} ${variant.reason ?? variant.body.slice(0, 80)}, the canonical spelling got ${canonical.status} ${canonical.reason}`,
    );
  }
  // The header policy holds on every reply, refusals included.
  if (variant.headers['x-content-type-options'] !== 'nosniff')
    throw new Error(`${label}: no nosniff`);
  // (The edge's own file locations keep their tiers: only the server's replies are checked.)
  if (!edge && variant.status >= 400 && variant.headers['cache-control'] !== 'no-store') {
    throw new Error(`${label}: ${variant.status} without no-store`);
  }
}

async function runAttacks(base: string, targets: Target[], { edge }: { edge: boolean }) {
  let checked = 0;
  for (const attack of attacks) {
    for (const target of targets.filter(attack.only ?? (() => true))) {
      const canonical = await send(base, target, target.path, attack.headers);
      // nginx never proxies /metrics: there the canonical refusal is its 404.
      const expected = edge && target.path === '/metrics' ? 404 : attack.refusal(target);
      const label = `${attack.name}: ${target.method} ${target.path}`;
      if (expected !== null) expect(canonical.status, label).toBe(expected);
      for (const path of spellings(target.path)) {
        const variant = await send(base, target, path, attack.headers);
        assertSameGuard(canonical, variant, `${label} as ${path}`, { edge });
        checked++;
      }
    }
  }
  return checked;
}

describe('every spelling of every guarded path meets the canonical guard', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let edge: TestEdge;
  let webRoot: string;
  let targets: Target[];

  beforeAll(async () => {
    webRoot = tempDir('bastion-web-');
    writeFileSync(join(webRoot, 'index.html'), SHELL);
    server = await startServer({
      API_KEYS: `alice:${USER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      RATE_LIMIT_API: 'off',
      RATE_LIMIT_CHAT: 'off',
      // Every spelling tries a wrong key: far more than an address may guess in a minute.
      RATE_LIMIT_SIGN_IN: '100000/min',
      WEB_ROOT: webRoot,
    });
    edge = await startTestEdge(new URL(server.url).host);
    targets = guardedTargets(server.routes);
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await server?.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('takes its targets from the server: every tRPC procedure, the status mirror, /metrics', () => {
    const paths = targets.map((t) => t.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/status/summary',
        '/metrics',
        '/api/trpc/chat.start',
        '/api/trpc/chat.stream',
        '/api/trpc/status.summary',
        '/api/trpc/session.signIn',
        '/api/trpc/tools.exec',
      ]),
    );
    for (const path of spellings('/api/trpc/status.summary'))
      expect(path).not.toBe('/api/trpc/status.summary');
    expect(spellings('/metrics')).toEqual(
      expect.arrayContaining([
        '/%6detrics',
        '/%6Detrics',
        '/METRICS',
        '/metrics/',
        '/metrics;x=1',
        '//metrics',
      ]),
    );
  });

  it('directly on the server', { timeout: 180_000 }, async () => {
    expect(await runAttacks(server.url, targets, { edge: false })).toBeGreaterThan(1000);
  });

  it('through the generated nginx', { timeout: 180_000 }, async () => {
    expect(await runAttacks(edge.url, targets, { edge: true })).toBeGreaterThan(1000);
  });

  it('the edge refuses non-canonical API spellings itself and still passes the canonical ones', async () => {
    for (const path of [
      '/%61pi/trpc/status.summary',
      '/api/trpc/%63hat.start',
      '/API/status/summary',
      '/api//status/summary',
      '/x/../api/status/summary',
      '/api;a/status/summary',
      '/V1/models',
    ]) {
      const reply = await sendRaw(edge.url, { method: 'GET', path });
      expect(reply.status, path).toBe(400);
    }
    const ok = await sendRaw(edge.url, {
      method: 'GET',
      path: '/api/trpc/status.summary?input=%7B%7D',
      headers: { authorization: `Bearer ${USER}` },
    });
    expect(ok.status).toBe(200);
    // Query strings may carry any encoding (tRPC puts its input there).
    expect((await sendRaw(edge.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});

describe('PUBLIC_CHAT: every spelling of a procedure meets the anonymous rule and budget', () => {
  // What a PUBLIC_CHAT server opens to anonymous visitors (anonymous-callers.test.ts: why).
  const OPEN =
    /^\/api\/trpc\/(session\.|chat\.|rag\.(search|collections)$|feedback\.submit$|analytics\.(track|export|erase)$)/;
  const BUDGETED = /^\/api\/trpc\/(feedback\.submit|analytics\.(track|export|erase))$/;
  let server: Awaited<ReturnType<typeof startServer>>;
  let targets: Target[];

  beforeAll(async () => {
    server = await startServer({
      API_KEYS: `alice:${USER}`,
      ADMIN_API_KEYS: `root:${ADMIN}`,
      PUBLIC_CHAT: '1',
      RATE_LIMIT_API: 'off',
      RATE_LIMIT_CHAT: 'off',
    });
    targets = guardedTargets(server.routes);
  }, 60_000);
  afterAll(() => server?.stop());

  it('directly on the server: closed procedures refused (401) however spelled', {
    timeout: 180_000,
  }, async () => {
    let closed = 0;
    // The budgeted procedures get the next test (this one would spend their budget).
    for (const target of targets.filter((t) => !BUDGETED.test(t.path))) {
      const canonical = await send(server.url, target, target.path, json);
      const label = `anonymous: ${target.method} ${target.path}`;
      if (!OPEN.test(target.path)) {
        expect(canonical.status, label).toBe(401);
        closed++;
      }
      for (const path of spellings(target.path)) {
        assertSameGuard(
          canonical,
          await send(server.url, target, path, json),
          `${label} as ${path}`,
          {
            edge: false,
          },
        );
      }
    }
    expect(closed).toBeGreaterThan(5);
  });

  it('the ratings and events budget counts every spelling', async () => {
    const rate = (path: string) =>
      sendRaw(server.url, {
        method: 'POST',
        path,
        headers: json,
        body: JSON.stringify({ requestId: 'r1234567', token: `1.${'A'.repeat(43)}`, rating: 'up' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const path = i % 2 ? '/api/trpc/feedback.submit' : '/api/trpc/%66eedback.%73ubmit';
      statuses.push((await rate(path)).status);
    }
    // Every call so far was refused on its token (403), and each spent the budget.
    expect(new Set(statuses)).toEqual(new Set([403]));
    expect((await rate('/%61pi/trpc/feedback.submit')).status).toBe(429);
  });
});
