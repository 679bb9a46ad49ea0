import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startServer } from './helpers.ts';

const cli = fileURLToPath(new URL('../../../packages/api/src/cli/main.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bastion ask', () => {
  let fake: FakeOpenAI;
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultScenario: { tokens: ['Streamed ', 'to ', 'the ', 'terminal.'] },
    });
    server = await startServer({ PRIMARY_BASE_URL: fake.baseURL, PRIMARY_MODEL: 'fake-model' });
  });
  afterAll(async () => {
    await server.stop();
    await fake.close();
  });

  it('streams the answer to stdout through the typed client', async () => {
    const result = await run(['ask', 'What is Bastion?', '--url', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Streamed to the terminal.');
    expect(result.stderr).toContain('served by primary');
  });

  it('answers from the knowledge base when no model is reachable', async () => {
    const offline = await startServer({
      PRIMARY_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    try {
      const result = await run(['ask', 'What is Bastion?', '--url', offline.url]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('served by extractive');
      expect(result.stdout.trim().length).toBeGreaterThan(0);
    } finally {
      await offline.stop();
    }
  });

  it('fails clearly when the server is unreachable, and on bad usage', async () => {
    const down = await run(['ask', 'hello', '--url', `http://127.0.0.1:${await closedPort()}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('error: Cannot reach the Bastion server [network_error]');
    expect((await run(['ask'])).code).toBe(2);
    expect((await run(['nope'])).code).toBe(2);
  });
});
