import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { policyLines, readBaseline } from '../src/baseline.ts';
import { buildFiles, buildSecurity } from '../src/build.ts';
import { securityHeaders } from '../src/headers.ts';
import { importMap, viteDist } from './fixtures.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('bastion-security CLI', () => {
  it('the committed baseline is the policy a build produces', () => {
    const { csp } = buildSecurity(viteDist(importMap));
    expect(policyLines(securityHeaders({ csp, hsts: true }))).toEqual(readBaseline());
  });

  it('check passes on a fresh build and fails when the policy drifts', () => {
    const dist = viteDist(importMap);
    expect(run('build', '--dist', dist).status).toBe(0);
    const ok = run('check', '--dist', dist);
    expect(ok.stdout).toContain('match the baseline');
    expect(ok.status).toBe(0);

    const cspFile = join(dist, buildFiles.csp);
    writeFileSync(
      cspFile,
      readFileSync(cspFile, 'utf8').replace("img-src 'self'", "img-src 'self' data:"),
    );
    const drift = run('check', '--dist', dist);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toContain("+ content-security-policy: default-src 'none'");
    expect(drift.stderr).toContain('--update');
  });

  it('nginx renders a complete config and insists on TLS options together', () => {
    const dist = viteDist();
    run('build', '--dist', dist);
    const out = run(
      'nginx',
      ...['--upstream', '127.0.0.1:8787', '--upstream', '127.0.0.1:8788'],
      ...['--root', dist, '--listen', '8080'],
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('upstream bastion_server');
    expect(out.stdout).toContain('server 127.0.0.1:8787 max_fails=');
    expect(out.stdout).toContain('server 127.0.0.1:8788 max_fails=');
    expect(out.stdout).toContain(readFileSync(join(dist, buildFiles.csp), 'utf8').trim());
    const partial = run(
      'nginx',
      '--upstream',
      'a:1',
      '--root',
      dist,
      '--listen',
      '80',
      '--tls-listen',
      '443',
    );
    expect(partial.status).toBe(1);
    expect(partial.stderr).toContain('go together');
  });
});
