/** Cache tiers shared by nginx and the Fastify server. */
export const cacheTiers = {
  /** Content-hashed assets and icons. */
  immutable: 'public, max-age=31536000, immutable',
  /** Small data files (JSON, the web manifest, robots.txt). */
  data: 'public, max-age=300',
  /** The HTML shell: always revalidated, so a deploy is picked up at once. */
  shell: 'no-cache',
  api: 'no-store',
} as const;

export type CacheTier = keyof typeof cacheTiers;

/** Icons are served under stable names but change only with a deploy of new files. */
export const iconExtensions = ['ico', 'png', 'svg', 'webp', 'avif'] as const;

const ICON = new RegExp(`\\.(?:${iconExtensions.join('|')})$`, 'i');

/**
 * The tier of a static file by its URL path: the same classes nginx's locations encode, for the
 * server when it serves the page itself.
 */
export function cacheTierForPath(path: string): Exclude<CacheTier, 'api'> {
  if (path.startsWith('/assets/') || ICON.test(path)) return 'immutable';
  if (path === '/' || path === '/index.html' || !/\.[^/]+$/.test(path)) return 'shell';
  return 'data';
}

export const hstsValue = 'max-age=63072000; includeSubDomains';

export const permissionsPolicy = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
].join(', ');

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

export interface SecurityHeaderOptions {
  /** The page's CSP, or null for responses that carry none (API responses from the server). */
  csp: string | null;
  /** Strict-Transport-Security; only meaningful on responses sent over TLS. */
  hsts: boolean;
}

/** The security header set, in a stable order. */
export function securityHeaders({ csp, hsts }: SecurityHeaderOptions): HeaderList {
  return [
    ...(csp ? ([['Content-Security-Policy', csp]] as const) : []),
    ...(hsts ? ([['Strict-Transport-Security', hstsValue]] as const) : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Permissions-Policy', permissionsPolicy],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
  ];
}

/** Lower-case names of every header the full set (CSP and HSTS included) contains. */
export const securityHeaderNames: readonly string[] = securityHeaders({ csp: 'x', hsts: true }).map(
  ([name]) => name.toLowerCase(),
);
