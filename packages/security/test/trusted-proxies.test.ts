import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type NginxOptions, renderNginxConfig } from '../src/nginx.ts';
import { trustedProxyRanges } from '../src/trusted-proxies.ts';
import { tempDir } from './fixtures.ts';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

const prefix = tempDir('bastion-nginx-realip-');
function render(trustedProxies?: NginxOptions['trustedProxies']): string {
  return renderNginxConfig({
    upstream: '127.0.0.1:8787',
    root: prefix,
    listen: '127.0.0.1:18080',
    csp: "default-src 'none'",
    prefix,
    ...(trustedProxies === undefined ? {} : { trustedProxies }),
  });
}

describe('the proxies the edge trusts for the client address', () => {
  it('takes names, IPs and CIDRs as a list or a comma string; none, empty or off is none', () => {
    expect(trustedProxyRanges('loopback, 10.1.2.3 ,2001:db8::/32')).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.1.2.3',
      '2001:db8::/32',
    ]);
    expect(trustedProxyRanges(['uniquelocal'])).toEqual([
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      'fc00::/7',
    ]);
    for (const none of ['', 'off', ' , ', []]) expect(trustedProxyRanges(none)).toEqual([]);
  });

  it('refuses anything but names, IPs and CIDRs', () => {
    for (const bad of [
      '10.0.0.1; include /etc/passwd',
      '10.0.0.1 10.0.0.2',
      'proxy.example.com',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/8/1',
      '0.0.0.0/0',
      '::/0',
      'fe80::1%eth0',
      'Loopback',
      'off,10.0.0.1x',
      '10.0.0.1\n}',
    ]) {
      expect(() => trustedProxyRanges(bad), bad).toThrow(/is not loopback/);
    }
  });

  it('renders nothing without trusted proxies: the peer is the client', () => {
    expect(render()).not.toContain('real_ip');
    expect(render('off')).toBe(render());
  });

  it('renders realip for the trusted proxies and passes nginx -t', () => {
    const config = render(['127.0.0.1', 'fc00::/7']);
    const lines = config.split('\n').map((l) => l.trim());
    expect(lines).toContain('set_real_ip_from 127.0.0.1;');
    expect(lines).toContain('set_real_ip_from fc00::/7;');
    expect(lines).toContain('real_ip_header X-Forwarded-For;');
    // The right-most address that is not a trusted proxy: a client cannot pick its own.
    expect(lines).toContain('real_ip_recursive on;');
    // The server gets the one address nginx settled on, not the chain.
    expect(lines).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    const file = join(prefix, 'nginx.conf');
    writeFileSync(file, config);
    const result = spawnSync(NGINX, ['-t', '-p', prefix, '-c', file], { encoding: 'utf8' });
    expect(result.stderr).toContain('syntax is ok');
    expect(result.status).toBe(0);
  });

  it('bastion-security nginx --trusted-proxies renders them, refuses a bad one', () => {
    const dir = tempDir('bastion-nginx-realip-cli-');
    const csp = join(dir, 'csp.txt');
    writeFileSync(csp, "default-src 'none'\n");
    const run = (value: string) =>
      spawnSync(
        process.execPath,
        [
          cli,
          'nginx',
          '--upstream',
          'a:1',
          '--root',
          dir,
          '--listen',
          '8080',
          '--csp-file',
          csp,
        ].concat(`--trusted-proxies=${value}`),
        { encoding: 'utf8' },
      );
    const ok = run('10.0.0.1, 10.2.0.0/16');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('set_real_ip_from 10.0.0.1;');
    expect(ok.stdout).toContain('set_real_ip_from 10.2.0.0/16;');
    // What the edge image renders when EDGE_TRUSTED_PROXIES is unset.
    const none = run('');
    expect(none.status).toBe(0);
    expect(none.stdout).not.toContain('real_ip');
    const bad = run('0.0.0.0/0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('"0.0.0.0/0" is not loopback');
  });
});
