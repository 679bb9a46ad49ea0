import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../src/nginx.ts';
import { parseNginxConfig } from '../src/nginx-audit.ts';
import { tempDir } from './fixtures.ts';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const prefix = tempDir('bastion-nginx-upstreams-');
afterAll(() => rmSync(prefix, { recursive: true, force: true }));

const replicas = ['127.0.0.1:8787', '127.0.0.1:8788', '[::1]:8789'];
const render = (upstream: string | string[]) =>
  renderNginxConfig({
    upstream,
    root: prefix,
    listen: '127.0.0.1:18080',
    csp: "default-src 'none'",
    prefix,
  });

type Block = ReturnType<typeof parseNginxConfig>;
function find(block: Block, header: string): Block {
  const found = block.children.find((b) => b.header === header);
  if (found) return found;
  for (const child of block.children) {
    const deep = child.children.length ? findOrNull(child, header) : null;
    if (deep) return deep;
  }
  throw new Error(`no block ${header}`);
}
function findOrNull(block: Block, header: string): Block | null {
  try {
    return find(block, header);
  } catch {
    return null;
  }
}
const value = (block: Block, name: string) =>
  block.directives.filter((d) => d[0] === name).map((d) => d.slice(1).join(' '));

describe('several upstreams (stateless replicas)', () => {
  const config = parseNginxConfig(render(replicas));

  it('balances every replica, each skipped for a while after failing', () => {
    const upstream = find(config, 'upstream bastion_server');
    expect(value(upstream, 'server')).toEqual(
      replicas.map((r) => `${r} max_fails=2 fail_timeout=10s`),
    );
  });

  it('passes nginx -t with several upstreams', () => {
    const file = join(prefix, 'nginx.conf');
    writeFileSync(file, render(replicas));
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', file], { encoding: 'utf8' });
    expect(result.stderr).toContain('syntax is ok');
    expect(result.status).toBe(0);
  });

  it('moves a request to another replica only before it was sent or answered, never a POST once sent', () => {
    const every = render(replicas)
      .split('\n')
      .filter((l) => l.includes('proxy_next_upstream '));
    expect(every.length).toBeGreaterThan(0);
    // non_idempotent absent everywhere: a started chat.start or /v1 completion never runs twice.
    for (const line of every) expect(line).not.toContain('non_idempotent');
    const api = find(config, 'location ^~ /api/');
    expect(value(api, 'proxy_next_upstream')).toEqual(['error timeout http_502 http_503']);
    for (const chat of [
      find(api, 'location ~ ^/api/trpc/(?:[^/]*,)?chat\\.'),
      find(find(config, 'location ^~ /v1/'), 'location = /v1/chat/completions'),
    ]) {
      // A stream (and its resume) only moves on from a replica it could not reach.
      expect(value(chat, 'proxy_next_upstream')).toEqual(['error timeout']);
      expect(value(chat, 'proxy_buffering')).toEqual(['off']);
    }
  });

  it('refuses an upstream that is not HOST:PORT (it is placed unquoted)', () => {
    for (const bad of ['127.0.0.1:8787; include /etc/passwd', 'host', 'a b:1', '', 'x:1\n}']) {
      expect(() => render(['127.0.0.1:1', bad])).toThrow(/invalid upstream/);
    }
    expect(() => render([])).toThrow(/at least one/);
  });
});
