// Local stand-ins for the public base images, for machines that cannot pull: Debian bookworm made
// with debootstrap (for `debian:bookworm-slim`), and that plus Node 24 and npm (for
// `node:24-bookworm-slim`). The product Dockerfiles take them as build arguments.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Engine } from './engine.ts';

export const DEBIAN_IMAGE = 'bastion-base:bookworm';
export const NODE_IMAGE = 'bastion-node:24';

/** The Debian mirror this machine's apt uses (deb822 or one-line sources). */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const uri =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text)?.[1] ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+bookworm\b/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

/**
 * debootstrap --variant=minbase, trimmed like the official slim image (no docs, man pages or
 * locales; services never started by package scripts), imported as DEBIAN_IMAGE. The tarball is
 * kept in `work` for the rest of the run.
 */
export function makeDebianImage(engine: Engine, work: string): void {
  const rootfs = join(work, 'rootfs');
  const tarball = join(work, 'bookworm-minbase.tar');
  if (!existsSync(tarball)) {
    const mirror = debianMirror();
    const boot = spawnSync('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], {
      encoding: 'utf8',
    });
    if (boot.status !== 0) {
      throw new Error(`debootstrap from ${mirror} failed:\n${boot.stderr.slice(-2000)}`);
    }
    writeFileSync(join(rootfs, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n');
    chmodSync(join(rootfs, 'usr/sbin/policy-rc.d'), 0o755);
    mkdirSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
    writeFileSync(
      join(rootfs, 'etc/dpkg/dpkg.cfg.d/slim'),
      [
        'path-exclude /usr/share/doc/*',
        'path-include /usr/share/doc/*/copyright',
        'path-exclude /usr/share/man/*',
        'path-exclude /usr/share/info/*',
        'path-exclude /usr/share/locale/*',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(rootfs, 'etc/apt/sources.list'),
      ['bookworm', 'bookworm-updates']
        .map((suite) => `deb ${mirror} ${suite} main`)
        .concat(`deb ${mirror.replace(/\/debian$/, '/debian-security')} bookworm-security main`)
        .join('\n')
        .concat('\n'),
    );
    const tar = spawnSync('tar', [
      '-C',
      rootfs,
      '--exclude=./var/cache/apt/archives/*.deb',
      '--exclude=./var/lib/apt/lists/*',
      '--exclude=./usr/share/man/*',
      '--exclude=./usr/share/locale/*',
      '--exclude=./usr/share/info/*',
      '-cf',
      tarball,
      '.',
    ]);
    if (tar.status !== 0) throw new Error(`tar of the Debian root failed: ${tar.stderr}`);
    spawnSync('rm', ['-rf', rootfs]);
  }
  engine.docker(['import', tarball, DEBIAN_IMAGE]);
}

/**
 * DEBIAN_IMAGE plus this machine's Node 24 (the repository's `node` package) and npm, laid out as
 * in the official node image. It also trusts this machine's CA bundle, which a TLS-inspecting
 * proxy in front of the registry needs; the runtime images never inherit it.
 */
export function makeNodeImage(engine: Engine, work: string, root: string): void {
  const context = join(work, 'node-context');
  mkdirSync(context, { recursive: true });
  copyFileSync(realpathSync(resolve(root, 'node_modules/.bin/node')), join(context, 'node'));
  chmodSync(join(context, 'node'), 0o755);
  // The npm that runs this script, laid out as in the official image.
  const globalRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  cpSync(join(globalRoot, 'npm'), join(context, 'npm'), { recursive: true, dereference: true });
  cpSync('/etc/ssl/certs/ca-certificates.crt', join(context, 'ca-certificates.crt'));
  writeFileSync(
    join(context, 'Dockerfile'),
    `ARG BASE_IMAGE
FROM \${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /usr/local/share/bastion-test/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/bastion-test/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && mkdir -p /usr/local/etc \\
 && echo "cafile=/usr/local/share/bastion-test/ca-certificates.crt" > /usr/local/etc/npmrc \\
 && node --version && npm --version
`,
  );
  build(engine, context, join(context, 'Dockerfile'), NODE_IMAGE, { BASE_IMAGE: DEBIAN_IMAGE });
}

/** `docker build` on the host network (the engine has no default bridge), BuildKit when possible. */
export function build(
  engine: Engine,
  context: string,
  dockerfile: string,
  tag: string,
  args: Record<string, string>,
): void {
  const buildArgs = Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  engine.docker(
    ['build', '--network', 'host', '--quiet', '-f', dockerfile, '-t', tag, ...buildArgs, context],
    { env: { DOCKER_BUILDKIT: engine.buildkit ? '1' : '0' } },
  );
}
