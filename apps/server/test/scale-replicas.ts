// Server replicas as real processes (`node src/main.ts`), for the scale test and the bench.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const START_TIMEOUT_MS = 90_000;

export interface Replica {
  url: string;
  port: number;
  /** The id it beats under in Redis (`bastion:replica:<id>`); empty without REDIS_URL. */
  replicaId: string;
  child: ChildProcess;
  /** SIGTERM (SIGKILL after 5 s) unless it is already dead; removes its data folder. */
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts one replica and resolves once it reports its replica id and answers /readyz. */
export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-replica-'));
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      WEB_ROOT: 'none',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited(child);
      clearTimeout(force);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // With REDIS_URL (and info logs) it names the id it beats under; alone it has none.
    const wantsId = Boolean(env.REDIS_URL) && (env.LOG_LEVEL ?? 'info') === 'info';
    let replicaId = '';
    const url = `http://127.0.0.1:${port}`;
    // Slow on a loaded machine: each replica compiles and opens everything on its own.
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`replica exited (${child.exitCode}):\n${output}`);
      replicaId ||= /"replica":"([0-9a-f-]{36})"/.exec(output)?.[1] ?? '';
      const ready = await fetch(`${url}/readyz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ready && (replicaId || !wantsId)) break;
      if (Date.now() > deadline) throw new Error(`replica did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url, port, replicaId, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
