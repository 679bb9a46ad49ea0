import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/env.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('security configuration', () => {
  it('is open on loopback, same-origin only and rate limited by default', () => {
    const { security } = loadConfig({});
    expect(security).toMatchObject({
      keys: [],
      requireKey: false,
      adminEnabled: false,
      allowedOrigins: [],
      rateLimits: { chat: { max: 60, windowMs: 60_000 }, api: { max: 600, windowMs: 60_000 } },
      trustProxy: 'loopback',
    });
  });

  it('parses keys, admin keys and collection limits', () => {
    const { security } = loadConfig({
      API_KEYS: 'web:aaaaaaaaaaaaaaaaaaaa , cli:bbbbbbbbbbbbbbbbbbbb',
      ADMIN_API_KEYS: 'ops:cccccccccccccccccccc',
      API_KEY_COLLECTIONS: 'web:docs,faq; cli:docs',
    });
    expect(security.requireKey).toBe(true);
    expect(security.adminEnabled).toBe(true);
    expect(security.keys.map((k) => [k.id, k.role, k.collections])).toEqual([
      ['web', 'user', ['docs', 'faq']],
      ['cli', 'user', ['docs']],
      ['ops', 'admin', null],
    ]);
  });

  it('names the variable and key id, never the secret', () => {
    const found = problems({
      API_KEYS: 'web:short,:nameless-secret-0123456789',
      ADMIN_API_KEYS: 'web:dddddddddddddddddddd',
    });
    expect(found).toEqual([
      expect.stringMatching(/^API_KEYS: key "web" needs a secret of at least 16 characters/),
      expect.stringMatching(/^API_KEYS: entry 2 must be id:secret/),
    ]);
    expect(found.join('\n')).not.toMatch(/short|nameless-secret|dddd/);
    expect(
      problems({
        API_KEYS: 'web:aaaaaaaaaaaaaaaaaaaa',
        ADMIN_API_KEYS: 'web:dddddddddddddddddddd',
      }),
    ).toEqual([expect.stringMatching(/^API_KEYS: key id "web" is used more than once/)]);
    expect(
      problems({ API_KEYS: 'web:aaaaaaaaaaaaaaaaaaaa', API_KEY_COLLECTIONS: 'mobile:docs' }),
    ).toEqual([expect.stringMatching(/^API_KEY_COLLECTIONS: "mobile" is not a key id/)]);
    expect(problems({ API_KEY_COLLECTIONS: 'web:../etc' })).toEqual([
      expect.stringMatching(/^API_KEY_COLLECTIONS: "web:..\/etc" must be keyId:collection/),
    ]);
  });

  it('accepts exact origins only', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173' }).security
        .allowedOrigins,
    ).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(
      problems({ ALLOWED_ORIGINS: 'https://a.example/, a.example, ftp://a.example' }),
    ).toHaveLength(3);
  });

  it('refuses an empty or wildcard origin list in production', () => {
    const expected = [expect.stringMatching(/^ALLOWED_ORIGINS: production needs the exact origin/)];
    const prod = { NODE_ENV: 'production', ALLOWED_HOSTS: 'a.example' };
    expect(problems(prod)).toEqual(expected);
    expect(problems({ ...prod, ALLOWED_ORIGINS: 'https://a.example,*' })).toEqual(expected);
    expect(problems({ ...prod, ALLOWED_ORIGINS: 'https://a.example' })).toEqual([]);
    expect(problems({ ALLOWED_ORIGINS: '*' })).toEqual([]);
  });

  it('needs the host names in production, as names without scheme or port', () => {
    const prod = { NODE_ENV: 'production', ALLOWED_ORIGINS: 'https://a.example' };
    expect(problems(prod)).toEqual([
      expect.stringMatching(/^ALLOWED_HOSTS: production needs the host name/),
    ]);
    const { security } = loadConfig({
      ...prod,
      ALLOWED_HOSTS: 'Chat.Example.com, [::1], 10.0.0.5',
    });
    expect(security.allowedHosts).toEqual(['chat.example.com', '::1', '10.0.0.5']);
    for (const bad of ['https://a.example', 'a.example:443', 'a.example/x', '-a.example']) {
      expect(problems({ ALLOWED_HOSTS: bad }), bad).toEqual([
        expect.stringMatching(/^ALLOWED_HOSTS: .* is not a host name/),
      ]);
    }
  });

  it('reads PUBLIC_CHAT as a flag and REQUEST_TIMEOUT_MS as milliseconds', () => {
    expect(loadConfig({}).security).toMatchObject({ publicChat: false, requestTimeoutMs: 30_000 });
    expect(loadConfig({ PUBLIC_CHAT: 'on', REQUEST_TIMEOUT_MS: '5000' }).security).toMatchObject({
      publicChat: true,
      requestTimeoutMs: 5000,
    });
    expect(problems({ REQUEST_TIMEOUT_MS: '10' })).toEqual([
      expect.stringMatching(/^REQUEST_TIMEOUT_MS: must be at least 1000/),
    ]);
  });

  it('reads rate limits as N/unit or off', () => {
    const limits = (env: Record<string, string>) => loadConfig(env).security.rateLimits;
    expect(limits({ RATE_LIMIT_CHAT: '5/s', RATE_LIMIT_API: '1000/hour' })).toEqual({
      chat: { max: 5, windowMs: 1_000 },
      api: { max: 1000, windowMs: 3_600_000 },
      signIn: { max: 10, windowMs: 60_000 },
    });
    expect(limits({ RATE_LIMIT_CHAT: 'off', RATE_LIMIT_API: '120' })).toEqual({
      chat: null,
      api: { max: 120, windowMs: 60_000 },
      signIn: { max: 10, windowMs: 60_000 },
    });
    expect(problems({ RATE_LIMIT_CHAT: 'lots', RATE_LIMIT_API: '5/fortnight' })).toEqual([
      expect.stringMatching(/^RATE_LIMIT_CHAT: must be N\/unit/),
      expect.stringMatching(/^RATE_LIMIT_API: must be N\/unit/),
    ]);
  });

  it('validates the proxies trusted for client addresses', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).security.trustProxy).toBe(
      '10.0.0.0/8, loopback',
    );
    expect(loadConfig({ TRUST_PROXY: 'off' }).security.trustProxy).toBe(false);
    expect(problems({ TRUST_PROXY: 'everyone,10.0.0.0/99' })).toHaveLength(2);
  });

  it('stops the process in production without an origin allowlist', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const result = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ALLOWED_ORIGINS: production needs the exact origin');
  });
});
