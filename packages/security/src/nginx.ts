import {
  type CacheTier,
  cacheTiers,
  hstsValue,
  iconExtensions,
  securityHeaders,
} from './headers.ts';
import { trustedProxyRanges } from './trusted-proxies.ts';

/**
 * What the app allows, which the edge must let through: the server's defaults unless the operator
 * changed them (then render with the same values). apps/server's tests check these defaults
 * against the server's own.
 */
export interface AppLimits {
  /** LLM_TOTAL_TIMEOUT_MS: the longest an answer may take, a non-streamed one in silence. */
  llmTotalTimeoutMs: number;
  /** RATE_LIMIT_CHAT: answers per caller and minute. */
  chatPerMinute: number;
  /** The longest search query (characters), which a GET carries in its URL. */
  queryChars: number;
}

export const defaultAppLimits: AppLimits = {
  llmTotalTimeoutMs: 180_000,
  chatPerMinute: 60,
  queryChars: 4_000,
};

/**
 * Bytes a URL carrying a query at the cap may take: each character (one UTF-16 unit) is at most
 * 3 UTF-8 bytes, each percent-encoded (9 characters), plus the path and the rest of the input.
 */
export function maxUrlBytes(queryChars: number): number {
  return queryChars * 9 + 2048;
}

/**
 * Seconds nginx waits for the next byte from the server: past the server's own deadline for an
 * answer (it replies with its own timeout error then), and past the 15 s SSE ping.
 */
export function upstreamReadTimeoutS(app: AppLimits): number {
  return Math.ceil(app.llmTotalTimeoutMs / 1000) + 15;
}

export interface EdgeLimits {
  /** Sustained API request rate per client address (nginx `rate`, e.g. `20r/s`). */
  apiRate: string;
  apiBurst: number;
  /**
   * Sustained rate of new answers per client address (`chat.start`, `chat.complete`,
   * `/v1/chat/completions`; following, resuming or cancelling a stream costs none), e.g. `60r/m`.
   */
  chatRate: string;
  chatBurst: number;
  /** Open connections per client address (SSE streams hold one each). */
  connectionsPerClient: number;
  /** Largest request body, nginx size syntax. */
  maxBodySize: string;
}

export const defaultEdgeLimits: EdgeLimits = {
  apiRate: '20r/s',
  apiBurst: 40,
  chatRate: `${defaultAppLimits.chatPerMinute}r/m`,
  chatBurst: 10,
  connectionsPerClient: 64,
  maxBodySize: '1m',
};

export interface NginxOptions {
  /**
   * The Bastion server(s), `HOST:PORT` each: several stateless replicas (REDIS_URL, DATABASE_URL)
   * are balanced, and a replica that fails is skipped for a while.
   */
  upstream: string | readonly string[];
  /** The built web app (the `dist/` that `bastion-security build` processed). */
  root: string;
  /** Plain-HTTP listener, `PORT` or `ADDR:PORT`. In TLS mode it only redirects to HTTPS. */
  listen: string;
  tls?: { listen: string; cert: string; key: string };
  /** The page CSP, exactly as `bastion-security build` wrote it. */
  csp: string;
  /** Writable directory for the pid file and temp paths, so nginx runs without root. */
  prefix: string;
  /** Access log path, or `off`. Defaults to `<prefix>/access.log`. */
  accessLog?: string;
  /** Error log path (`stderr` works). Defaults to `<prefix>/error.log`. */
  errorLog?: string;
  limits?: Partial<EdgeLimits>;
  /** The app's limits, when the server runs with other values than its defaults. */
  app?: Partial<AppLimits>;
  /**
   * Proxies in front of the edge (a TLS terminator, a load balancer) whose X-Forwarded-For names
   * the client: names (loopback, linklocal, uniquelocal), IPs or CIDRs; `off` or none (the
   * default) when clients connect to the edge directly. See `trustedProxyRanges`.
   */
  trustedProxies?: string | readonly string[];
}

const MIME_TYPES: Record<string, string[]> = {
  'text/html': ['html'],
  'text/css': ['css'],
  'text/javascript': ['js', 'mjs'],
  'application/json': ['json', 'map'],
  'application/manifest+json': ['webmanifest'],
  'image/svg+xml': ['svg'],
  'image/png': ['png'],
  'image/x-icon': ['ico'],
  'image/webp': ['webp'],
  'image/avif': ['avif'],
  'font/woff2': ['woff2'],
  'text/plain': ['txt'],
  'application/xml': ['xml'],
};

function quoted(value: string): string {
  if (/["$\\\n\r]/.test(value))
    throw new Error(`cannot place ${JSON.stringify(value)} in nginx config`);
  return `"${value}"`;
}

function portOf(listen: string): number {
  const port = Number(listen.split(':').pop());
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`invalid listen ${listen}`);
  return port;
}

function indent(lines: string[], depth: number): string[] {
  return lines.map((line) => (line === '' ? '' : `${'    '.repeat(depth)}${line}`));
}

function block(header: string, body: string[]): string[] {
  return [`${header} {`, ...indent(body, 1), '}'];
}

/**
 * The whole security set (nginx drops inherited add_header lines in any block that sets its
 * own), plus the block's cache tier. HSTS comes from a map that is empty on plain HTTP, and
 * nginx omits a header whose value is empty.
 */
function headers(csp: string, tier?: CacheTier, extra: Array<[string, string]> = []): string[] {
  const set = securityHeaders({ csp, hsts: false }).map(([name, value]) => [name, quoted(value)]);
  set.splice(1, 0, ['Strict-Transport-Security', '$bastion_hsts']);
  if (tier) set.push(['Cache-Control', quoted(cacheTiers[tier])]);
  for (const [name, value] of extra) set.push([name, quoted(value)]);
  return set.map(([name, value]) => `add_header ${name} ${value} always;`);
}

function hideUpstreamHeaders(): string[] {
  const names = [...securityHeaders({ csp: 'x', hsts: true }).map(([n]) => n), 'Cache-Control'];
  return names.map((name) => `proxy_hide_header ${name};`);
}

/** A replica that fails this often within the window is skipped for the window. */
const UPSTREAM_MAX_FAILS = 2;
const UPSTREAM_FAIL_TIMEOUT = '10s';

/**
 * When a request may go to another replica. nginx only ever does so before any byte of the
 * response reached the client, and never for a POST it already sent (`non_idempotent` is left
 * out): a started SSE answer is never replayed elsewhere, and a `chat.start` never runs twice.
 * Plain API calls also move on from a replica answering 502/503; chat calls only from one that
 * cannot be reached or does not answer, so a resume (`chat.stream` with `lastEventId`, a new GET)
 * lands on a live replica after one dies.
 */
const NEXT_UPSTREAM = {
  api: 'proxy_next_upstream error timeout http_502 http_503;',
  chat: 'proxy_next_upstream error timeout;',
};

function upstreamBlock(upstream: string | readonly string[]): string[] {
  const servers = [upstream].flat();
  if (servers.length === 0) throw new Error('at least one upstream is required');
  for (const server of servers) {
    // Placed in the config unquoted: only a host (name, IPv4 or [IPv6]) and a port.
    if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/.test(server)) {
      throw new Error(`invalid upstream ${JSON.stringify(server)} (expected HOST:PORT)`);
    }
  }
  return block('upstream bastion_server', [
    ...servers.map(
      (server) =>
        `server ${server} max_fails=${UPSTREAM_MAX_FAILS} fail_timeout=${UPSTREAM_FAIL_TIMEOUT};`,
    ),
    'keepalive 16;',
  ]);
}

function proxy(
  csp: string,
  readTimeoutS: number,
  retry: keyof typeof NEXT_UPSTREAM = 'api',
): string[] {
  return [
    NEXT_UPSTREAM[retry],
    'proxy_next_upstream_tries 3;',
    'proxy_pass http://bastion_server;',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Forwarded-Proto $bastion_forwarded_proto;',
    'proxy_set_header X-Request-ID $request_id;',
    '# Server-sent events: pass every byte through at once; outwait the 15 s ping and the',
    '# longest answer the server allows (it answers its own timeout error first).',
    'proxy_buffering off;',
    'proxy_cache off;',
    `proxy_read_timeout ${readTimeoutS}s;`,
    `proxy_send_timeout ${readTimeoutS}s;`,
    'proxy_connect_timeout 5s;',
    ...hideUpstreamHeaders(),
    ...headers(csp, 'api'),
  ];
}

/**
 * The errors the edge itself answers, in the API's shapes: tRPC's (with the stable
 * `data.reason` the typed client reads) and, on `/v1`, OpenAI's. The server's own
 * `trpcErrorBody`/`openAIErrorBody` are checked against these in apps/server's tests.
 */
export const EDGE_ERRORS = [
  {
    status: 413,
    reason: 'payload_too_large',
    trpc: ['PAYLOAD_TOO_LARGE', -32013],
    openai: 'invalid_request_error',
    retryable: false,
    message: 'Request body too large',
  },
  {
    status: 414,
    reason: 'payload_too_large',
    trpc: ['PAYLOAD_TOO_LARGE', -32013],
    openai: 'invalid_request_error',
    retryable: false,
    message: 'Request URL too long',
  },
  {
    status: 429,
    reason: 'rate_limited',
    trpc: ['TOO_MANY_REQUESTS', -32029],
    openai: 'rate_limit_error',
    retryable: true,
    message: 'Too many requests; retry later',
  },
  {
    status: 504,
    reason: 'timeout',
    trpc: ['TIMEOUT', -32008],
    openai: 'server_error',
    retryable: true,
    message: 'The server did not answer in time',
  },
] as const;

type EdgeError = (typeof EDGE_ERRORS)[number];

export function edgeErrorBodies(
  error: EdgeError,
  retryAfterS?: number,
): { trpc: string; openai: string } {
  const [code, number] = error.trpc;
  const extra = retryAfterS === undefined ? {} : { retryAfterMs: retryAfterS * 1000 };
  const data = {
    code,
    httpStatus: error.status,
    reason: error.reason,
    retryable: error.retryable,
    ...extra,
  };
  return {
    trpc: JSON.stringify({ error: { message: error.message, code: number, data } }),
    openai: JSON.stringify({
      error: { message: error.message, type: error.openai, param: null, code: error.reason },
    }),
  };
}

/** Seconds until a zone of `rate` (`Nr/s`, `Nr/m`) lets the next request through. */
export function refillSeconds(rate: string): number {
  const match = /^(\d+)r\/([sm])$/.exec(rate);
  if (!match || Number(match[1]) < 1) throw new Error(`invalid nginx rate ${JSON.stringify(rate)}`);
  return Math.max(1, Math.ceil((match[2] === 'm' ? 60 : 1) / Number(match[1])));
}

/** The edge's own errors, each a named location; 429 once per zone (its own Retry-After). */
function edgeErrors(limits: EdgeLimits) {
  const [tooLarge, uriTooLong, tooMany, timedOut] = EDGE_ERRORS;
  return [
    { name: 'edge_413', error: tooLarge },
    { name: 'edge_414', error: uriTooLong },
    { name: 'edge_429_api', error: tooMany, retryAfterS: refillSeconds(limits.apiRate) },
    { name: 'edge_429_chat', error: tooMany, retryAfterS: refillSeconds(limits.chatRate) },
    { name: 'edge_504', error: timedOut },
  ];
}

/** Per error, its body for the surface the request was sent to (`$bastion_error_style`). */
function edgeErrorMaps(limits: EdgeLimits): string[] {
  return [
    ...block('map $request_uri $bastion_error_style', ['default trpc;', '"~^/v1(?:/|$)" openai;']),
    ...edgeErrors(limits).flatMap(({ name, error, retryAfterS }) => {
      const bodies = edgeErrorBodies(error, retryAfterS);
      for (const body of Object.values(bodies)) {
        if (/['$\\]/.test(body)) throw new Error(`cannot place ${body} in nginx config`);
      }
      return block(`map $bastion_error_style $bastion_${name}_body`, [
        `openai '${bodies.openai}';`,
        `default '${bodies.trpc}';`,
      ]);
    }),
  ];
}

/**
 * Where `error_page` sends an error: a named location, except for 414, which nginx answers before
 * the request has a URI (a named location then fails with a 500), so it gets an internal one.
 */
function errorTarget(name: string): string {
  return name === 'edge_414' ? `/__bastion_${name}` : `@${name}`;
}

function edgeErrorLocations(csp: string, limits: EdgeLimits): string[] {
  return edgeErrors(limits).flatMap(({ name, error, retryAfterS }) =>
    block(`location ${name === 'edge_414' ? '= ' : ''}${errorTarget(name)}`, [
      ...(name === 'edge_414' ? ['internal;'] : []),
      'default_type application/json;',
      ...headers(
        csp,
        'api',
        retryAfterS === undefined ? [] : [['Retry-After', String(retryAfterS)]],
      ),
      `return ${error.status} $bastion_${name}_body;`,
    ]),
  );
}

/** nginx inherits `error_page` only into blocks that set none, so a block sets all of them. */
function errorPages(zone: 'api' | 'chat'): string[] {
  return [
    `error_page 413 = ${errorTarget('edge_413')};`,
    `error_page 414 = ${errorTarget('edge_414')};`,
    `error_page 429 = ${errorTarget(`edge_429_${zone}`)};`,
    `error_page 504 = ${errorTarget('edge_504')};`,
  ];
}

/** nginx refuses `burst=0`: no burst is written as none. */
function limitReq(zone: string, burst: number): string {
  return `limit_req zone=${zone}${burst > 0 ? ` burst=${burst}` : ''} nodelay;`;
}

function siteServer(options: NginxOptions, limits: EdgeLimits, app: AppLimits): string[] {
  const { csp, tls } = options;
  const readTimeoutS = upstreamReadTimeoutS(app);
  const apiLimit = limitReq('bastion_api', limits.apiBurst);
  /**
   * An API prefix, proxied under the API rate; the routes that start an answer under the chat
   * rate as well (streams, resumes and cancels are paid for by the answer they belong to).
   */
  const apiLocation = (prefix: string, answers: string, chat?: string) =>
    block(`location ^~ ${prefix}`, [
      apiLimit,
      ...proxy(csp, readTimeoutS),
      '',
      ...block(answers, [
        limitReq('bastion_chat', limits.chatBurst),
        apiLimit,
        ...errorPages('chat'),
        ...proxy(csp, readTimeoutS, 'chat'),
      ]),
      ...(chat ? ['', ...block(chat, [apiLimit, ...proxy(csp, readTimeoutS, 'chat')])] : []),
    ]);
  const listen = tls ? [`listen ${tls.listen} ssl http2;`] : [`listen ${options.listen};`];
  const tlsLines = tls
    ? [
        `ssl_certificate ${tls.cert};`,
        `ssl_certificate_key ${tls.key};`,
        'ssl_protocols TLSv1.2 TLSv1.3;',
        'ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;',
        'ssl_prefer_server_ciphers off;',
        'ssl_session_cache shared:bastion_tls:10m;',
        'ssl_session_timeout 1d;',
        'ssl_session_tickets off;',
        '# Plain HTTP sent to this TLS port (scanners probe both schemes) is redirected to HTTPS.',
        'error_page 497 =301 https://$host:$server_port$request_uri;',
      ]
    : [];
  return block('server', [
    ...listen,
    'server_name _;',
    ...tlsLines,
    `root ${options.root};`,
    'index index.html;',
    `client_max_body_size ${limits.maxBodySize};`,
    "# A body within the cap stays in memory, so conversation text never reaches the edge's disk.",
    '# It costs at most this size per open request (a body of declared length takes that length);',
    '# limit_conn bounds the open requests of one client address.',
    `client_body_buffer_size ${limits.maxBodySize};`,
    "# A GET carrying a search query at the app's cap fits (one buffer holds the request line).",
    `large_client_header_buffers 4 ${Math.ceil(maxUrlBytes(app.queryChars) / 1024)}k;`,
    `limit_conn bastion_conn ${limits.connectionsPerClient};`,
    "# The edge's own errors in the API's JSON shapes (OpenAI's on /v1).",
    ...errorPages('api'),
    '',
    '# Error pages, redirects and denials carry the set too, and are never cached.',
    ...headers(csp, 'api'),
    '',
    ...edgeErrorLocations(csp, limits),
    '',
    '# Only the canonical spelling of an API path is passed on: the server matches decoded',
    '# paths, so any other spelling (percent-encoding, dot segments, //, ;, case) is refused here.',
    ...block('if ($bastion_odd_api_spelling)', ['return 400;']),
    '',
    '# Metrics stay on the private network: never proxied.',
    ...block('location = /metrics', ['return 404;']),
    '',
    '# Dotfiles are never served (.well-known stays reachable for ACME and security.txt).',
    ...block('location ~ /\\.(?!well-known/)', ['deny all;']),
    '',
    ...apiLocation(
      '/api/',
      'location ~ ^/api/trpc/(?:[^/]*,)?chat\\.(?:start|complete)(?:,|$)',
      'location ~ ^/api/trpc/(?:[^/]*,)?chat\\.',
    ),
    '',
    '# The OpenAI-compatible API: the same settings as /api/.',
    ...apiLocation('/v1/', 'location = /v1/chat/completions'),
    '',
    ...block('location ~ ^/(?:healthz|readyz)$', [apiLimit, ...proxy(csp, readTimeoutS)]),
    '',
    '# Content-hashed build output.',
    ...block('location ^~ /assets/', [
      'try_files $uri =404;',
      ...headers(csp, 'immutable'),
      ...block('location ~ /\\.', ['deny all;']),
    ]),
    '',
    ...block('location = /index.html', [...headers(csp, 'shell')]),
    '',
    ...block(`location ~* \\.(?:${iconExtensions.join('|')})$`, [
      'try_files $uri =404;',
      ...headers(csp, 'immutable'),
    ]),
    '',
    '# Other files: the web manifest, small JSON data, robots.txt.',
    ...block('location ~ \\.[^/]+$', ['try_files $uri =404;', ...headers(csp, 'data')]),
    '',
    '# Client-side routes get the HTML shell.',
    ...block('location /', ['try_files $uri /index.html;', ...headers(csp, 'shell')]),
  ]);
}

/**
 * `$bastion_odd_api_spelling` is 1 for a request whose path nginx normalises to an API path
 * (/api, /v1, /metrics in any case) but that was not sent in exactly that form: nginx matches
 * locations on the decoded, normalised `$uri` yet proxies the raw `$request_uri`, so only the one
 * spelling both agree on may pass.
 */
function apiSpellingMaps(): string[] {
  return [
    ...block('map $uri $bastion_api_path', [
      'default 0;',
      '"~^/(?:api|v1|metrics)(?:[/;.]|$)" 1;',
      '"~*^/(?:api|v1|metrics)(?:[/;.]|$)" case;',
    ]),
    ...block('map $request_uri $bastion_raw_odd', [
      'default 0;',
      '"~^[^?]*(?:%|;|//|\\\\\\\\|/\\.\\.?(?:[/?]|$))" 1;',
    ]),
    ...block('map $bastion_api_path$bastion_raw_odd $bastion_odd_api_spelling', [
      'default 0;',
      '11 1;',
      '~^case 1;',
    ]),
  ];
}

function redirectServer(options: NginxOptions): string[] {
  const tlsPort = portOf(options.tls!.listen);
  const target =
    tlsPort === 443 ? 'https://$host$request_uri' : `https://$host:${tlsPort}$request_uri`;
  return block('server', [
    `listen ${options.listen};`,
    'server_name _;',
    ...headers(options.csp),
    `return 301 ${target};`,
  ]);
}

/**
 * The client address behind trusted proxies: nginx takes the right-most X-Forwarded-For entry
 * that is not one of them, so a client cannot pick its own by sending the header (a proxy appends
 * its peer to whatever the client sent). `$remote_addr` is then the client for the limit zones,
 * the access log and the X-Forwarded-For passed on; without trusted proxies it is the peer.
 */
function realIp(trusted: NginxOptions['trustedProxies']): string[] {
  const ranges = trustedProxyRanges(trusted ?? []);
  if (ranges.length === 0) return [];
  return [
    '# The client address is the one the trusted proxies in front report (--trusted-proxies).',
    ...ranges.map((range) => `set_real_ip_from ${range};`),
    'real_ip_header X-Forwarded-For;',
    'real_ip_recursive on;',
    '',
  ];
}

/** A complete nginx.conf for the Bastion edge (nginx ≥ 1.22, runnable without root). */
export function renderNginxConfig(options: NginxOptions): string {
  const app = { ...defaultAppLimits, ...options.app };
  const limits = {
    ...defaultEdgeLimits,
    ...(options.app?.chatPerMinute ? { chatRate: `${app.chatPerMinute}r/m` } : {}),
    ...options.limits,
  };
  const { prefix } = options;
  const types = Object.entries(MIME_TYPES).map(([type, exts]) => `${type} ${exts.join(' ')};`);
  const hstsSource = options.tls ? '$https' : '$http_x_forwarded_proto';
  const hstsWhen = options.tls ? 'on' : 'https';
  const lines = [
    '# Rendered by `bastion-security nginx`; edit the generator, not this file.',
    'worker_processes auto;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${options.errorLog ?? `${prefix}/error.log`} warn;`,
    '',
    ...block('events', ['worker_connections 1024;']),
    '',
    ...block('http', [
      'server_tokens off;',
      ...block('types', types),
      'default_type application/octet-stream;',
      'charset utf-8;',
      'charset_types text/css text/javascript text/plain application/json application/manifest+json image/svg+xml;',
      'sendfile on;',
      'tcp_nopush on;',
      'keepalive_timeout 30s;',
      'client_header_timeout 10s;',
      'client_body_timeout 10s;',
      'send_timeout 30s;',
      `client_body_temp_path ${prefix}/client_body;`,
      `proxy_temp_path ${prefix}/proxy;`,
      `fastcgi_temp_path ${prefix}/fastcgi;`,
      `uwsgi_temp_path ${prefix}/uwsgi;`,
      `scgi_temp_path ${prefix}/scgi;`,
      '',
      '# Paths only: query strings can carry chat input, which is never logged.',
      `log_format bastion '$remote_addr [$time_iso8601] "$request_method $uri $server_protocol" $status $body_bytes_sent $request_time $request_id';`,
      options.accessLog === 'off'
        ? 'access_log off;'
        : `access_log ${options.accessLog ?? `${prefix}/access.log`} bastion;`,
      '',
      'gzip on;',
      'gzip_vary on;',
      'gzip_min_length 512;',
      'gzip_types text/css text/javascript application/json application/manifest+json image/svg+xml;',
      '',
      ...realIp(options.trustedProxies),
      `limit_req_zone $binary_remote_addr zone=bastion_api:10m rate=${limits.apiRate};`,
      `limit_req_zone $binary_remote_addr zone=bastion_chat:10m rate=${limits.chatRate};`,
      'limit_conn_zone $binary_remote_addr zone=bastion_conn:10m;',
      'limit_req_status 429;',
      'limit_conn_status 429;',
      "# Refusals are logged below the error log's level: their line holds the query string.",
      'limit_req_log_level info;',
      'limit_conn_log_level info;',
      '',
      ...apiSpellingMaps(),
      '',
      ...edgeErrorMaps(limits),
      '',
      '# The scheme the browser used: a TLS terminator in front (TLS.md option 1) reports https,',
      "# which is passed on; a header may upgrade the scheme, never downgrade this hop's.",
      ...block('map $http_x_forwarded_proto $bastion_forwarded_proto', [
        'default $scheme;',
        'https https;',
      ]),
      '',
      ...block(`map ${hstsSource} $bastion_hsts`, [
        `${hstsWhen} ${quoted(hstsValue)};`,
        'default "";',
      ]),
      '',
      ...upstreamBlock(options.upstream),
      '',
      ...(options.tls ? [...redirectServer(options), ''] : []),
      ...siteServer(options, limits, app),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
