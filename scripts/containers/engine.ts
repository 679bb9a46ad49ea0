// The container engine for `npm run test:containers`: Debian's docker.io, installed when run as root
// and missing, started by hand in a temporary directory when none is running, and stopped again.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Exit status of `npm run test:containers` when it cannot run here (counted as skipped). */
export const SKIPPED = 77;

/** No engine runs and this user cannot start one: the test is skipped, not failed. */
export class EngineUnavailable extends Error {}

/** Debian packages the container test needs, with a file each provides. */
const packages = [
  { name: 'docker.io', file: '/usr/sbin/dockerd' },
  { name: 'docker-compose', file: '/usr/bin/docker-compose' },
  { name: 'debootstrap', file: '/usr/sbin/debootstrap' },
  { name: 'openssl', file: '/usr/bin/openssl' },
];

/** Names what is missing, or installs it when run as root. Returns why the test cannot run, or null. */
export function ensurePackages(): string | null {
  const missing = packages.filter((p) => !existsSync(p.file)).map((p) => p.name);
  if (missing.length === 0) return null;
  if (process.getuid?.() !== 0) {
    return `needs root and the Debian packages ${missing.join(' ')} (sudo apt-get install -y ${missing.join(' ')})`;
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
      return `apt-get ${args[0]} failed; install ${missing.join(' ')} by hand`;
    }
  }
  return null;
}

export interface Engine {
  /** Environment for the docker and docker-compose clients (DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
  docker: (args: string[], options?: RunOptions) => string;
  /** Whether this test started the daemon (and so stops it and removes its data). */
  own: boolean;
  /** BuildKit is usable: Debian's client has it built in, newer ones need the buildx plugin. */
  buildkit: boolean;
  stop: () => Promise<void>;
}

export interface RunOptions {
  input?: string;
  /** Return the output (stdout, then stderr) even when the command fails: the caller checks. */
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Debian's client matches its daemon (API 1.41, BuildKit built in); another one on PATH may not. */
export const dockerBin = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): string {
  const result = spawnSync(command, args, {
    env: { ...env, ...options.env },
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status === 0) return result.stdout ?? '';
  const out = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (options.allowFailure) return out;
  const tail = out.trim().split('\n').slice(-30).join('\n');
  throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${tail}`);
}

function responds(env: NodeJS.ProcessEnv): boolean {
  return (
    spawnSync(dockerBin, ['version', '--format', '{{.Server.Version}}'], {
      env,
      stdio: 'ignore',
      timeout: 10_000,
    }).status === 0
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Uses a running engine (DOCKER_HOST or the default socket) or starts dockerd in a temporary
 * directory: its own data root, exec root, pid file and socket; no default bridge, no iptables
 * rules and no ip_forward change, so nothing on the host's network is touched (builds use the host
 * network; the stack gets a compose bridge network and loopback-published ports).
 */
export async function startEngine(): Promise<Engine> {
  const baseEnv = { ...process.env };
  const docker = (env: NodeJS.ProcessEnv) => (args: string[], options?: RunOptions) =>
    run(dockerBin, args, env, options);
  const buildkit =
    dockerBin === '/usr/bin/docker' ||
    spawnSync(dockerBin, ['buildx', 'version'], { stdio: 'ignore' }).status === 0;
  if (responds(baseEnv)) {
    return { env: baseEnv, docker: docker(baseEnv), own: false, buildkit, stop: async () => {} };
  }
  if (process.getuid?.() !== 0) {
    throw new EngineUnavailable('needs root to start dockerd, or a running engine (DOCKER_HOST)');
  }
  // Unix socket paths are limited to 107 bytes: keep the exec root short.
  const parent = tmpdir().length < 40 ? tmpdir() : '/tmp';
  const dir = mkdtempSync(join(parent, 'bastion-engine-'));
  const socket = join(dir, 'docker.sock');
  const env = { ...baseEnv, DOCKER_HOST: `unix://${socket}` };
  const log = join(dir, 'dockerd.log');
  const daemon: ChildProcess = spawn(
    'sh',
    [
      '-c',
      'exec dockerd "$@" >"$LOG" 2>&1',
      'dockerd',
      `--data-root=${join(dir, 'root')}`,
      `--exec-root=${join(dir, 'exec')}`,
      `--pidfile=${join(dir, 'dockerd.pid')}`,
      `--host=unix://${socket}`,
      '--bridge=none',
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
    ],
    { env: { ...baseEnv, LOG: log }, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  const cleanup = async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      if (daemon.exitCode === null && daemon.signalCode === null) {
        daemon.kill('SIGKILL');
        await exited;
      }
    }
    // dockerd unmounts its layers on a clean stop; a killed one may leave mounts under `dir`.
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 60; i++) {
    if (responds(env)) {
      console.log(`Started dockerd (pid ${daemon.pid}) in ${dir}`);
      return { env, docker: docker(env), own: true, buildkit, stop: cleanup };
    }
    if (daemon.exitCode !== null) break;
    await sleep(500);
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  await cleanup();
  throw new Error(`dockerd did not start:\n${tail}`);
}
