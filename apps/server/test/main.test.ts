import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, mainScript as main, mainEnv } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-main-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A loopback port something already listens on. */
async function busyPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return (server.address() as { port: number }).port;
}

/** Starts main.ts and resolves with its output once `line` appears (then stops it). */
function outputUntil(env: NodeJS.ProcessEnv, line: string): Promise<string> {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no "${line}" in:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(line)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(output);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!output.includes(line)) reject(new Error(`exited ${code} without "${line}":\n${output}`));
    });
  });
}

describe('main', () => {
  it('exits 1 with a clear message when the environment is bad', () => {
    const result = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT: must be a number (got "abc")');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('says in one line, without a stack trace, that the port is already in use', async () => {
    const port = await busyPort();
    const result = spawnSync(process.execPath, [main], {
      env: { ...mainEnv(tempDir()), PORT: String(port), DISABLE_PRIMARY: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `bastion: 127.0.0.1:${port} is already in use: stop the other process or set PORT (or HOST)`,
    );
  });

  it('names the live answer path at start-up: no model reachable, so the knowledge base', async () => {
    const primary = `http://127.0.0.1:${await closedPort()}/v1`;
    const output = await outputUntil(
      { ...mainEnv(tempDir()), PRIMARY_BASE_URL: primary },
      `no model reachable at ${primary}: answering from the knowledge base`,
    );
    expect(output).toContain('Bastion is serving');
  });

  it('starts without an OpenAI fallback when its secret file is empty or absent, saying so once', async () => {
    const dir = tempDir();
    const primary = `http://127.0.0.1:${await closedPort()}/v1`;
    for (const [name, create] of [
      ['empty', true],
      ['absent', false],
    ] as const) {
      const secret = join(dir, `${name}.txt`);
      if (create) writeFileSync(secret, '\n');
      const output = await outputUntil(
        { ...mainEnv(tempDir()), PRIMARY_BASE_URL: primary, OPENAI_API_KEY_FILE: secret },
        'answering from the knowledge base',
      );
      const notes = output.split('\n').filter((l) => l.includes('no OpenAI fallback'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain(`OPENAI_API_KEY_FILE ${secret} is absent or empty`);
    }
  });
});
