import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { securityHeaderNames } from '../src/headers.ts';
import { type NginxOptions, renderNginxConfig } from '../src/nginx.ts';
import { auditNginxHeaders, parseNginxConfig } from '../src/nginx-audit.ts';
import { selfSignedCert, tempDir } from './fixtures.ts';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const csp = "default-src 'none'; script-src 'sha384-abc' 'strict-dynamic'; object-src 'none'";

function options(tls: boolean): NginxOptions {
  const prefix = tempDir('bastion-nginx-');
  const base = { upstream: '127.0.0.1:8787', root: prefix, listen: '127.0.0.1:18080', csp, prefix };
  if (!tls) return base;
  const cert = join(prefix, 'cert.pem');
  const key = join(prefix, 'key.pem');
  selfSignedCert(cert, key);
  return { ...base, tls: { listen: '127.0.0.1:18443', cert, key } };
}

function nginxTest(opts: NginxOptions): { status: number | null; output: string } {
  const file = join(opts.prefix, 'nginx.conf');
  writeFileSync(file, renderNginxConfig(opts));
  const result = spawnSync(NGINX, ['-t', '-p', opts.prefix, '-c', file], { encoding: 'utf8' });
  return { status: result.status, output: result.stderr };
}

function locations(config: string) {
  const server = parseNginxConfig(config)
    .children.find((b) => b.header === 'http')!
    .children.filter((b) => b.header === 'server');
  return server[server.length - 1]!;
}

describe.each([false, true])('rendered nginx config (tls: %s)', (tls) => {
  const opts = options(tls);
  const config = renderNginxConfig(opts);

  it('passes nginx -t as rendered', () => {
    const { status, output } = nginxTest(opts);
    expect(output).toContain('syntax is ok');
    expect(status).toBe(0);
  });

  it('repeats the whole security set, with always, in every block that sets headers', () => {
    expect(auditNginxHeaders(config)).toEqual([]);
    const withHeaders = config
      .split('\n')
      .filter((l) => l.includes('add_header Content-Security-Policy'));
    expect(withHeaders.length).toBeGreaterThan(8);
  });

  it('proxies /api/ for SSE and never proxies /metrics', () => {
    const server = locations(config);
    const api = server.children.find((b) => b.header === 'location ^~ /api/')!;
    const directive = (name: string) => api.directives.find((d) => d[0] === name);
    expect(directive('proxy_buffering')).toEqual(['proxy_buffering', 'off']);
    expect(directive('proxy_http_version')).toEqual(['proxy_http_version', '1.1']);
    expect(Number.parseInt(directive('proxy_read_timeout')![1]!, 10)).toBeGreaterThan(15);
    expect(server.children.find((b) => b.header === 'location = /metrics')!.directives).toEqual([
      ['return', '404'],
    ]);
    expect(config).not.toMatch(/location[^{]*metrics[^{]*\{[^}]*proxy_pass/);
  });

  it('proxies /v1/ like /api/, the chat route under the chat rate too', () => {
    const server = locations(config);
    const v1 = server.children.find((b) => b.header === 'location ^~ /v1/')!;
    expect(v1.directives).toContainEqual(['proxy_buffering', 'off']);
    const chat = v1.children.find((b) => b.header === 'location = /v1/chat/completions')!;
    expect(chat.directives.map((d) => d.join(' '))).toContainEqual(
      expect.stringMatching(/^limit_req zone=bastion_chat /),
    );
  });

  it('refuses every API spelling but the canonical one before choosing a location', () => {
    // Matched on the normalised $uri, proxied as the raw $request_uri: only where both agree.
    expect(config).toContain('map $uri $bastion_api_path {');
    expect(config).toContain('map $request_uri $bastion_raw_odd {');
    const server = locations(config);
    const refusal = server.children.find((b) => b.header === 'if ($bastion_odd_api_spelling)')!;
    expect(refusal.directives).toEqual([['return', '400']]);
  });

  it('limits rates, connections and bodies, hides the version and denies dotfiles', () => {
    expect(config).toMatch(/limit_req_zone \$binary_remote_addr zone=bastion_api:/);
    expect(config).toMatch(/limit_req_zone \$binary_remote_addr zone=bastion_chat:/);
    expect(config).toContain('limit_req_status 429;');
    expect(config).toContain('limit_conn_status 429;');
    expect(config).toContain('client_max_body_size 1m;');
    expect(config).toContain('server_tokens off;');
    expect(config).toContain('location ~ /\\.(?!well-known/)');
  });

  it('keeps query strings (chat input) out of the access log', () => {
    const format = config.split('\n').find((l) => l.includes('log_format'))!;
    expect(format).toContain('$uri');
    expect(format).not.toMatch(/\$request\b|\$args|\$query_string|\$request_uri/);
  });
});

describe('TLS mode', () => {
  const config = renderNginxConfig(options(true));
  it('redirects plain HTTP, on the HTTP port and on the TLS port itself', () => {
    expect(config).toContain('return 301 https://$host:18443$request_uri;');
    expect(config).toContain('error_page 497 =301 https://$host:$server_port$request_uri;');
    expect(config).toContain('listen 127.0.0.1:18443 ssl http2;');
  });

  it('sends HSTS only over TLS', () => {
    expect(config).toMatch(
      /map \$https \$bastion_hsts \{\s*on "max-age=63072000; includeSubDomains";\s*default "";/,
    );
  });
});

describe('header audit', () => {
  const config = renderNginxConfig(options(false));
  it('catches a block that forgot a header or the always flag', () => {
    const lines = config.split('\n');
    const i = lines.findIndex((l) => l.includes('add_header X-Frame-Options'));
    const dropped = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    expect(auditNginxHeaders(dropped)).toEqual([
      expect.stringMatching(/x-frame-options appears 0 times/),
    ]);
    const notAlways = config.replace(
      'add_header Referrer-Policy "no-referrer" always;',
      'add_header Referrer-Policy "no-referrer";',
    );
    expect(auditNginxHeaders(notAlways)).toEqual([
      expect.stringMatching(/Referrer-Policy lacks "always"/),
    ]);
    expect(securityHeaderNames).toContain('content-security-policy');
  });
});
