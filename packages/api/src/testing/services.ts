import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real PostgreSQL and Redis for tests: each in a fresh temp folder on a loopback port, stopped and
 * removed by `stop()` whether the tests passed or not. PostgreSQL refuses to run as root, so when
 * the tests do, the cluster belongs to the `postgres` user and its programs run as that user
 * (spawned with its uid, so that signals reach the server itself, not a wrapper).
 */

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const START_TIMEOUT_MS = 20_000;

export interface TestService {
  /** `postgres://…` or `redis://…` on 127.0.0.1. */
  url: string;
  port: number;
  /** The server process (benchmarks read its CPU time). */
  pid?: number | undefined;
  stop: () => Promise<void>;
}

/** A port free on loopback now (the service binds it next; a race with another binder is rare). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Whether something accepts TCP connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once `ready` says so, failing when the process exits or takes too long. */
async function waitUntilReady(
  ready: () => Promise<boolean> | boolean,
  port: number,
  child: ChildProcess,
  name: string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${name} did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

/** Who runs PostgreSQL's programs: `postgres` when we are root, ourselves otherwise. */
function postgresOwner(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = ['-u', '-g'].map((flag) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()),
  );
  return { uid: uid as number, gid: gid as number };
}

/**
 * Runs `launch` in a fresh temp folder; the service's `stop` (also called when launching fails)
 * stops the process it started with `signal` and removes the folder.
 */
async function inTempDir(
  prefix: string,
  signal: NodeJS.Signals,
  launch: (
    dir: string,
    started: (child: ChildProcess) => void,
  ) => Promise<Omit<TestService, 'stop'>>,
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (child) await stopProcess(child, signal);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return {
      ...(await launch(dir, (c) => {
        child = c;
      })),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A throwaway PostgreSQL cluster (trust authentication, user `postgres`, database `postgres`). */
export async function startPostgres({
  port: wanted,
  settings = {},
}: {
  port?: number;
  /** Server settings (`-c name=value`), e.g. a benchmark's `shared_buffers`. */
  settings?: Record<string, string>;
} = {}): Promise<TestService> {
  // SIGINT is a fast shutdown: the cluster is thrown away, so no checkpoint is needed.
  return inTempDir('bastion-pg-', 'SIGINT', async (dir, started) => {
    const owner = postgresOwner();
    if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    execFileSync(
      join(POSTGRES_BIN, 'initdb'),
      ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-D', data],
      { stdio: 'ignore', ...owner },
    );
    const port = wanted ?? (await freePort());
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      // A test cluster needs no durability; fsync off makes ingest benchmarks measure the engine.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    const child = spawn(join(POSTGRES_BIN, 'postgres'), args, { stdio: 'ignore', ...owner });
    started(child);
    // The port opens before the cluster accepts sessions; pg_isready asks the server itself.
    const isReady = join(POSTGRES_BIN, 'pg_isready');
    const readyArgs = ['-q', '-h', '127.0.0.1', '-p', `${port}`];
    const ready = () => spawnSync(isReady, readyArgs, { stdio: 'ignore' }).status === 0;
    await waitUntilReady(ready, port, child, 'postgres');
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port };
  });
}

const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * A new database on a test server: its URL (tests and evaluations each get their own). Empty, or
 * a copy of `template` (a database already migrated: a copy costs a file copy, not the migrations).
 */
export async function createDatabase(
  serverUrl: string,
  name: string,
  template?: string,
): Promise<string> {
  if (!DATABASE_NAME.test(name) || (template !== undefined && !DATABASE_NAME.test(template))) {
    throw new Error('invalid database name');
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client(serverUrl);
  await client.connect();
  try {
    await client.query(
      `create database "${name}"${template === undefined ? '' : ` template "${template}"`}`,
    );
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** A throwaway Redis without persistence. */
export async function startRedis(): Promise<TestService> {
  return inTempDir('bastion-redis-', 'SIGTERM', async (dir, started) => {
    const port = await freePort();
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    started(child);
    await waitUntilReady(() => listening(port), port, child, 'redis-server');
    return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid };
  });
}
