import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBastionClient } from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, startServer } from './helpers.ts';

const cli = fileURLToPath(new URL('../../../packages/api/src/cli/main.ts', import.meta.url));

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
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

  it('fails clearly when the server is unreachable, naming the URL it tried', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await run(['ask', 'hello', '--url', url]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      `error: cannot reach the Bastion server at ${url} [network_error]`,
    );
  });

  it('reports a missing collection as missing, not as an answer', async () => {
    const result = await run([
      'ask',
      'What is Bastion?',
      '--url',
      server.url,
      '--collection',
      'nope',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no collection "nope"');
    expect(result.stderr).toContain('[collection_not_found]');
    expect(result.stdout).toBe('');
  });

  it('reads the key from BASTION_API_KEY', async () => {
    const keyed = await startServer({
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
      API_KEYS: 'cli:cli-secret-0123456789',
    });
    try {
      const without = await run(['ask', 'What is Bastion?', '--url', keyed.url]);
      expect(without.code).toBe(1);
      expect(without.stderr).toContain('[unauthenticated]');
      const withKey = await run(['ask', 'What is Bastion?', '--url', keyed.url], {
        BASTION_API_KEY: 'cli-secret-0123456789',
      });
      expect(withKey.code).toBe(0);
      expect(withKey.stdout).toContain('Streamed to the terminal.');
    } finally {
      await keyed.stop();
    }
  });

  it("shows the server's verdict on a key and a collection, with what to do and the URL", async () => {
    const keyed = await startServer({
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
      API_KEYS: 'alice:alice-secret-0123456789',
      ADMIN_API_KEYS: 'root:root-secret-0123456789',
      API_KEY_COLLECTIONS: 'alice:default',
    });
    try {
      await createBastionClient({
        url: keyed.url,
        apiKey: 'root-secret-0123456789',
      }).rag.ingest.mutate({
        collection: 'handbook',
        documents: [{ path: 'leave.md', content: '# Leave\n\nTwenty-five days.' }],
      });
      const ask = (args: string[], key?: string) =>
        run(
          ['ask', 'How much leave?', '--url', keyed.url, ...args],
          key ? { BASTION_API_KEY: key } : {},
        );

      const noKey = await ask([]);
      expect(noKey.stderr).toBe(
        `error: the server at ${keyed.url} needs an API key: pass --api-key KEY or set BASTION_API_KEY [unauthenticated]\n`,
      );
      const wrongKey = await ask(['--api-key', 'wrong-secret-0123456789']);
      expect(wrongKey.stderr).toContain(`the server at ${keyed.url} refused the API key`);
      // An existing collection the key may not read: the server's reason, not "missing".
      const forbidden = await ask(['--collection', 'handbook'], 'alice-secret-0123456789');
      expect(forbidden.code).toBe(1);
      expect(forbidden.stderr).toContain('[collection_forbidden]');
      const invalid = await ask(['--collection', 'bad id!'], 'alice-secret-0123456789');
      expect(invalid.stderr).toMatch(/^error: collection: .* \[invalid_input\]\n$/);
      const apiPath = await run(['ask', 'hi', '--url', `${keyed.url}/api`], {
        BASTION_API_KEY: 'alice-secret-0123456789',
      });
      expect(apiPath.stderr).toContain(`at ${keyed.url}/api`);
      expect(apiPath.stderr).toContain('[not_found]');
    } finally {
      await keyed.stop();
    }
  });

  it('prints its version, and names an unknown command', async () => {
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^bastion \d+\.\d+\.\d+\n$/);
    const unknown = await run(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "nope"');
    expect((await run(['ask'])).code).toBe(2);
  });

  it('writes nothing a terminal would act on from the model, and no password of the address', async () => {
    // OSC 52 (clipboard write), a screen clear, a colour, a C1 CSI and a carriage return, one
    // sequence split across two tokens.
    fake.queue.push({
      tokens: [
        'Hello \u001b]52;c;ZWNobyBwd25lZA==\u0007 \u001b[2J\u001b',
        '[31mRED\u009b2J\r done',
      ],
    });
    const answer = await run(['ask', 'hello there', '--url', server.url]);
    expect(answer.code).toBe(0);
    expect(answer.stdout).toContain('Hello');
    expect(answer.stdout).toContain('done');
    expect(answer.stdout + answer.stderr).not.toMatch(/(?![\n\t])\p{Cc}/u);

    const port = await closedPort();
    for (const [url, shown] of [
      [`http://admin:S3cretPassw0rd@127.0.0.1:${port}`, `http://***@127.0.0.1:${port}`], // secret-scan: allow (fake password)
      ['admin:S3cretPassw0rd@127.0.0.1', '***@127.0.0.1'],
      [`http://admin:S3cret/Passw0rd@127.0.0.1:${port}`, `http://***@127.0.0.1:${port}`],
    ] as const) {
      const result = await run(['ask', 'hello', '--url', url]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).not.toContain('S3cret');
      expect(result.stderr).toContain(shown);
    }
  });

  it('says what is wrong with a question or an address it cannot use, before calling anything', async () => {
    const empty = await run(['ask', '  ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: a question is required/);
    // The usual slips: no scheme, or a scheme that is not HTTP.
    for (const url of ['127.0.0.1:8787', 'localhost:8787', 'ftp://127.0.0.1:8787']) {
      const result = await run(['ask', 'What is Bastion?', '--url', url]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: not an http(s) address: ${url}`);
      expect(result.stderr).not.toContain('network_error');
    }
    const fromEnv = await run(['ask', 'What is Bastion?'], { BASTION_URL: 'bastion.example' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(
      'error: not an http(s) address: bastion.example (BASTION_URL)',
    );
  });
});
