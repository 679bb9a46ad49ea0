import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBastionClient, errorReason } from '@bastion/api/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConfigError, loadConfig } from '../src/config/env.ts';
import { createServer } from '../src/server.ts';
import { tempDir } from './helpers.ts';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

/** A real server on a loopback port over `dataDir` (removed after the test, with the server). */
async function serve(dataDir: string, env: Record<string, string> = {}) {
  stops.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await createServer(
    loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      WEB_ROOT: 'none',
      RAG_DEMO_ROOT: 'none',
      DATA_DIR: dataDir,
      ...env,
    }),
  );
  const url = await server.start();
  stops.push(() => server.stop());
  return { ...server, url };
}

async function start(env: Record<string, string> = {}) {
  const dataDir = tempDir();
  const server = await serve(dataDir, env);
  /** A typed client whose requests carry `origin` (as a page at that origin would send). */
  const from = (origin: string | null, headers: Record<string, string> = {}) =>
    createBastionClient({
      url: server.url,
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...Object.fromEntries(new Headers(init?.headers)),
            ...(origin ? { origin } : {}),
            ...headers,
          },
        }),
    });
  return { server, dataDir, analyticsDir: join(dataDir, 'analytics'), from };
}

async function reasonOf(call: Promise<unknown>): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error) {
    return errorReason(error);
  }
}

const view = (visitorId: string) =>
  ({ visitorId, event: 'page_view', props: { path: '/' } }) as const;

describe('analytics on a real server', () => {
  it('stores events from its own page without address or user agent, in a 0600 day file', async () => {
    const { server, analyticsDir, from } = await start();
    const visitorId = randomUUID();
    const page = from(server.url, {
      'user-agent': 'Mozilla/5.0 (UniqueAgent/42)',
      'x-forwarded-for': '198.51.100.23',
    });
    expect(await page.analytics.track.mutate(view(visitorId))).toEqual({ stored: true });
    const [file, ...others] = readdirSync(analyticsDir);
    expect(others).toEqual([]);
    expect(file).toBe(`${new Date().toISOString().slice(0, 10)}.jsonl`);
    expect(statSync(analyticsDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(analyticsDir, file!)).mode & 0o777).toBe(0o600);
    const stored = readFileSync(join(analyticsDir, file!), 'utf8');
    expect(JSON.parse(stored)).toMatchObject({ visitorId, event: 'page_view' });
    for (const leak of ['UniqueAgent', '198.51.100.23', '127.0.0.1']) {
      expect(stored).not.toContain(leak);
    }
  });

  it('accepts the page origins of ALLOWED_ORIGINS when no analytics allowlist is set', async () => {
    const { server, from } = await start({ ALLOWED_ORIGINS: 'https://chat.example.com' });
    const visitorId = randomUUID();
    for (const origin of ['https://chat.example.com', server.url]) {
      expect(await from(origin).analytics.track.mutate(view(visitorId)), origin).toEqual({
        stored: true,
      });
    }
  });

  it('accepts only the allowlisted origins when ANALYTICS_ORIGIN_ALLOWLIST is set', async () => {
    const { server, from } = await start({
      ALLOWED_ORIGINS: 'https://a.example,https://b.example',
      ANALYTICS_ORIGIN_ALLOWLIST: 'https://a.example',
    });
    const visitorId = randomUUID();
    expect(await from('https://a.example').analytics.track.mutate(view(visitorId))).toEqual({
      stored: true,
    });
    for (const origin of ['https://b.example', server.url, null]) {
      expect(
        await reasonOf(from(origin).analytics.track.mutate(view(visitorId))),
        String(origin),
      ).toBe('analytics_origin_not_allowed');
    }
    const exported = await from(null).analytics.export.query({ visitorId });
    expect(exported.events).toHaveLength(1);
  });

  it('refuses events when ANALYTICS_ENABLED=0 and writes nothing', async () => {
    const { server, analyticsDir, from } = await start({ ANALYTICS_ENABLED: '0' });
    expect(await reasonOf(from(server.url).analytics.track.mutate(view(randomUUID())))).toBe(
      'analytics_disabled',
    );
    expect(readdirSync(analyticsDir)).toEqual([]);
  });

  it('sweeps expired day files when it starts', async () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'analytics');
    mkdirSync(dir);
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    for (const n of [0, 2, 3, 4, 30]) writeFileSync(join(dir, `${day(n)}.jsonl`), '');
    await serve(dataDir, { ANALYTICS_RETENTION_DAYS: '2' });
    await expect
      .poll(() => readdirSync(dir).sort())
      .toEqual([`${day(2)}.jsonl`, `${day(0)}.jsonl`]);
  });
});

describe('analytics configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ DATA_DIR: '/tmp/unused', ...env });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('defaults to on, the page’s own origin and 14 days, under DATA_DIR/analytics', () => {
    const config = loadConfig({ DATA_DIR: '/srv/bastion' });
    expect(config.analytics).toEqual({
      enabled: true,
      originAllowlist: [],
      retentionDays: 14,
      dir: '/srv/bastion/analytics',
    });
  });

  it('names each bad analytics variable', () => {
    expect(problems({ ANALYTICS_ORIGIN_ALLOWLIST: 'https://a.example/,*' })).toEqual([
      expect.stringMatching(
        /^ANALYTICS_ORIGIN_ALLOWLIST: "https:\/\/a.example\/" is not an origin/,
      ),
      expect.stringMatching(/^ANALYTICS_ORIGIN_ALLOWLIST: "\*" is not an origin/),
    ]);
    expect(problems({ ANALYTICS_RETENTION_DAYS: '0' })).toEqual([
      expect.stringMatching(/^ANALYTICS_RETENTION_DAYS: /),
    ]);
    expect(problems({ ANALYTICS_ENABLED: 'maybe' })).toEqual([
      expect.stringMatching(/^ANALYTICS_ENABLED: /),
    ]);
    expect(
      problems({ ANALYTICS_ORIGIN_ALLOWLIST: 'https://a.example, http://b.example:8080' }),
    ).toEqual([]);
  });
});
