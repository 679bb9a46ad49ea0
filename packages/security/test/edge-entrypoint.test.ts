import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../src/nginx.ts';
import { selfSignedCert, tempDir } from './fixtures.ts';

const entrypoint = fileURLToPath(new URL('../../../infra/edge/entrypoint.sh', import.meta.url));
const nginxBin = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The layout of the edge image, in a temp dir: both configs, an optional certificate. */
async function edgeImage(withCert: boolean) {
  const dir = tempDir('bastion-edge-image-');
  chmodSync(dir, 0o755); // nginx workers run as nobody when the suite runs as root
  const www = join(dir, 'www');
  const tlsDir = join(dir, 'tls');
  mkdirSync(www);
  mkdirSync(tlsDir);
  writeFileSync(join(www, 'index.html'), '<!doctype html><title>edge</title>');
  const [http, https] = [await freePort(), await freePort()];
  const common = {
    upstream: '127.0.0.1:9',
    root: www,
    listen: `127.0.0.1:${http}`,
    csp: "default-src 'none'",
    prefix: join(dir, 'run'),
    errorLog: 'stderr',
    accessLog: 'off',
  };
  const tls = {
    listen: `127.0.0.1:${https}`,
    cert: join(tlsDir, 'fullchain.pem'),
    key: join(tlsDir, 'privkey.pem'),
  };
  writeFileSync(join(dir, 'nginx-plain.conf'), renderNginxConfig(common));
  writeFileSync(join(dir, 'nginx-tls.conf'), renderNginxConfig({ ...common, tls }));
  if (withCert) {
    selfSignedCert(tls.cert, tls.key);
  }
  const env = {
    PATH: `${process.env.PATH}:/usr/sbin`,
    NGINX_BIN: nginxBin,
    BASTION_CONF_DIR: dir,
    BASTION_TLS_DIR: tlsDir,
    NGINX_PREFIX: join(dir, 'run'),
  };
  return { http, https, env };
}

const running: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(
    running.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGQUIT');
        }),
    ),
  );
});

async function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn('sh', [entrypoint], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return { child, stderr: () => stderr };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

describe('infra/edge/entrypoint.sh with the real nginx', () => {
  it('serves plain HTTP when no certificate is mounted', async () => {
    const image = await edgeImage(false);
    const { stderr } = await start(image.env);
    await until(async () => (await fetch(`http://127.0.0.1:${image.http}/`)).ok);
    expect(stderr()).toContain('plain mode');
    const res = await fetch(`http://127.0.0.1:${image.http}/`);
    expect(await res.text()).toContain('<title>edge</title>');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    const health = spawnSync('sh', [entrypoint, '--health'], { env: image.env });
    expect(health.status).toBe(0);
  });

  it('switches to TLS when a certificate is mounted, and redirects plain HTTP', async () => {
    const image = await edgeImage(true);
    const { stderr } = await start(image.env);
    await until(
      async () =>
        (await fetch(`http://127.0.0.1:${image.http}/`, { redirect: 'manual' })).status === 301,
    );
    expect(stderr()).toContain('tls mode');
    const redirect = await fetch(`http://127.0.0.1:${image.http}/x`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe(`https://127.0.0.1:${image.https}/x`);
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port: image.https,
          rejectUnauthorized: false,
          ALPNProtocols: ['h2', 'http/1.1'],
        },
        () => {
          resolve(socket.alpnProtocol || null);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(protocol).toBe('h2');
  });

  it('refuses TLS mode without a certificate, and unknown modes', async () => {
    const image = await edgeImage(false);
    const tls = spawnSync('sh', [entrypoint], {
      env: { ...image.env, BASTION_EDGE_MODE: 'tls' },
      encoding: 'utf8',
    });
    expect(tls.status).toBe(1);
    expect(tls.stderr).toContain('TLS mode needs');
    const odd = spawnSync('sh', [entrypoint], {
      env: { ...image.env, BASTION_EDGE_MODE: 'fast' },
      encoding: 'utf8',
    });
    expect(odd.status).toBe(2);
    expect(spawnSync('sh', [entrypoint, '--health'], { env: image.env }).status).not.toBe(0);
  });
});
