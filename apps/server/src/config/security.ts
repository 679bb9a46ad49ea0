import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineSection, envFlag, nodeEnv, type ReportProblem } from './section.ts';

export type KeyRole = 'user' | 'admin';

export interface ApiKey {
  id: string;
  role: KeyRole;
  /** SHA-256 of the secret: the secret itself is not kept. */
  digest: Buffer;
  /** Collections this key may use, or null for all. */
  collections: readonly string[] | null;
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const COLLECTION_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const MIN_SECRET_LENGTH = 16;

export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** `id:secret,id2:secret2`; messages name the key id, never the secret. */
const keyList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const keys: Array<{ id: string; digest: Buffer }> = [];
    for (const [i, entry] of (raw ?? '').split(',').entries()) {
      if (entry.trim() === '') continue;
      const colon = entry.indexOf(':');
      const id = colon < 0 ? '' : entry.slice(0, colon).trim();
      const secret = colon < 0 ? '' : entry.slice(colon + 1).trim();
      if (!KEY_ID.test(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${i + 1} must be id:secret with an id of letters, digits, . _ -`,
        });
      } else if (secret.length < MIN_SECRET_LENGTH || /\s/.test(secret)) {
        ctx.addIssue({
          code: 'custom',
          message: `key "${id}" needs a secret of at least ${MIN_SECRET_LENGTH} characters without spaces`,
        });
      } else {
        keys.push({ id, digest: secretDigest(secret) });
      }
    }
    return keys;
  });

/** `id:a,b;id2:c` — the collections each key id may use. */
const collectionLimits = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const limits = new Map<string, string[]>();
    for (const entry of (raw ?? '').split(';')) {
      if (entry.trim() === '') continue;
      const [id = '', list = ''] = entry.split(':', 2).map((s) => s.trim());
      const collections = list
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      if (
        !KEY_ID.test(id) ||
        collections.length === 0 ||
        !collections.every((c) => COLLECTION_ID.test(c))
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry.trim()}" must be keyId:collection[,collection] with ids of letters, digits, _ -`,
        });
      } else {
        limits.set(id, collections);
      }
    }
    return limits;
  });

/** Exact origins (`https://chat.example.com`), or `*` for any (refused in production). */
const originList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const origins = (raw ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of origins) {
      if (origin === '*') continue;
      let parsed: URL | null = null;
      try {
        parsed = new URL(origin);
      } catch {}
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin.slice(0, 100)}" is not an origin like https://chat.example.com (scheme, host, optional port; no path or trailing slash)`,
        });
      }
    }
    return origins;
  });

const WINDOWS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `N/unit` (`30/min`, `5/s`, `1000/hour`), a bare N per minute, or `off`. */
function rateLimit(fallback: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .default(fallback)
    .transform((raw, ctx): RateLimit | null => {
      if (raw === 'off' || raw === '0') return null;
      const match = /^(\d{1,7})(?:\/(\w+))?$/.exec(raw);
      const windowMs = WINDOWS[match?.[2] ?? 'min'];
      if (!match || !windowMs || Number(match[1]) < 1) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be N/unit (e.g. 30/min, 5/s, 1000/hour) or off',
        });
        return null;
      }
      return { max: Number(match[1]), windowMs };
    });
}

/** A DNS name or an IP literal (IPv6 with or without brackets), no port: what `Host` may name. */
function isHostName(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare)) return true;
  return (
    host.length <= 253 &&
    host.split('.').every((label) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(label))
  );
}

/** `chat.example.com,bastion.internal`: the names clients may reach this server by (no port). */
const hostList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const hosts = (raw ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    for (const host of hosts) {
      if (!isHostName(host)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${host.slice(0, 100)}" is not a host name like chat.example.com (no scheme, port or path)`,
        });
      }
    }
    return hosts.map((h) => (h.startsWith('[') ? h.slice(1, -1) : h));
  });

/** Milliseconds, at least one second. */
const timeoutMs = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 (one second)')
    .max(600_000, 'must be at most 600000 (ten minutes)')
    .default(fallback);

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Peers allowed to set X-Forwarded-For: `off`, or a comma list of names (loopback…), IPs and CIDRs. */
const trustProxy = z
  .string()
  .trim()
  .default('loopback')
  .transform((raw, ctx): string | false => {
    if (raw === 'off') return false;
    for (const entry of raw.split(',').map((e) => e.trim())) {
      const [ip = '', bits, extra] = entry.split('/');
      const validBits =
        bits === undefined ||
        (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip) === 6 ? 128 : 32));
      if (!PROXY_NAMES.has(entry) && !(isIP(ip) && validBits && extra === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry.slice(0, 60)}" is not loopback, linklocal, uniquelocal, an IP or a CIDR (or use off)`,
        });
      }
    }
    return raw;
  });

function buildKeys(
  users: Array<{ id: string; digest: Buffer }>,
  admins: Array<{ id: string; digest: Buffer }>,
  limits: Map<string, string[]>,
  problem: ReportProblem,
): ApiKey[] {
  const keys: ApiKey[] = [
    ...users.map((k) => ({ ...k, role: 'user' as const })),
    ...admins.map((k) => ({ ...k, role: 'admin' as const })),
  ].map((k) => ({ ...k, collections: limits.get(k.id) ?? null }));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.id))
      problem(
        'API_KEYS',
        `key id "${key.id}" is used more than once (API_KEYS and ADMIN_API_KEYS share one namespace)`,
      );
    seen.add(key.id);
  }
  for (const id of limits.keys()) {
    if (!seen.has(id))
      problem('API_KEY_COLLECTIONS', `"${id}" is not a key id from API_KEYS or ADMIN_API_KEYS`);
  }
  return keys;
}

export const securitySection = defineSection(
  {
    NODE_ENV: nodeEnv,
    API_KEYS: keyList,
    ADMIN_API_KEYS: keyList,
    API_KEY_COLLECTIONS: collectionLimits,
    ALLOWED_ORIGINS: originList,
    RATE_LIMIT_CHAT: rateLimit('60/min'),
    RATE_LIMIT_API: rateLimit('600/min'),
    RATE_LIMIT_SIGN_IN: rateLimit('10/min'),
    TRUST_PROXY: trustProxy,
    ALLOWED_HOSTS: hostList,
    PUBLIC_CHAT: envFlag(false),
    REQUEST_TIMEOUT_MS: timeoutMs(30_000),
  },
  (e, problem) => {
    if (!e.RATE_LIMIT_SIGN_IN) {
      problem('RATE_LIMIT_SIGN_IN', 'cannot be off: it is what keeps keys from being guessed');
    }
    if (
      e.NODE_ENV === 'production' &&
      (e.ALLOWED_ORIGINS.length === 0 || e.ALLOWED_ORIGINS.includes('*'))
    ) {
      problem(
        'ALLOWED_ORIGINS',
        'production needs the exact origin(s) of the page, e.g. https://chat.example.com (empty or * is refused)',
      );
    }
    if (e.NODE_ENV === 'production' && e.ALLOWED_HOSTS.length === 0) {
      problem(
        'ALLOWED_HOSTS',
        'production needs the host name(s) clients use, e.g. chat.example.com (DNS rebinding defence)',
      );
    }
    const keys = buildKeys(e.API_KEYS, e.ADMIN_API_KEYS, e.API_KEY_COLLECTIONS, problem);
    return {
      keys,
      /** API_KEYS is set: every /api call needs a key. */
      requireKey: e.API_KEYS.length > 0,
      adminEnabled: e.ADMIN_API_KEYS.length > 0,
      allowedOrigins: e.ALLOWED_ORIGINS,
      /**
       * The page is served over https (an https origin in ALLOWED_ORIGINS): its cookies are
       * `__Host-…; Secure` whatever scheme a proxy in front reports.
       */
      publicTls: e.ALLOWED_ORIGINS.some((origin) => origin.startsWith('https://')),
      rateLimits: {
        chat: e.RATE_LIMIT_CHAT,
        api: e.RATE_LIMIT_API,
        /** Sign-ins and refused bearer keys per client address, on every surface. */
        signIn: e.RATE_LIMIT_SIGN_IN ?? { max: 10, windowMs: 60_000 },
      },
      /** Fastify `trustProxy`: which peers may set X-Forwarded-For (proxy-addr names or CIDRs). */
      trustProxy: e.TRUST_PROXY,
      /** Host names (ALLOWED_HOSTS) besides loopback and the listen address; lower case, no port. */
      allowedHosts: e.ALLOWED_HOSTS,
      /** A keyed server lets anonymous callers chat and search (PUBLIC_CHAT); the rest needs a key. */
      publicChat: e.PUBLIC_CHAT,
      /** The whole request, headers and body, must arrive within this (slow-body defence). */
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    };
  },
);

export type SecurityConfig = ReturnType<typeof securitySection.build>;
