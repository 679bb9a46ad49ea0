import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SECRET = 'sekret-bearer-0123456789';
const QUESTION = 'my-private-question-text';

describe('request logs', () => {
  let child: ChildProcess;
  let output = '';
  let url = '';
  beforeAll(async () => {
    child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        WEB_ROOT: 'none',
        DISABLE_PRIMARY: '1',
        DATA_DIR: tempDir(),
        API_KEYS: `web:${SECRET}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
      child.stdout!.on('data', () => {
        const match = /Bastion is serving (http:\/\/[^"\s]+)/.exec(output);
        if (match) {
          url = match[1]!;
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('keep query strings (chat input) and credentials out', async () => {
    const input = encodeURIComponent(
      JSON.stringify({ messages: [{ role: 'user', content: QUESTION }] }),
    );
    await fetch(`${url}/api/trpc/chat.complete?input=${input}`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    await fetch(`${url}/api/status/summary?token=${SECRET}`, {
      headers: { authorization: 'Bearer wrong-key-0123456789' },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('"url":"/api/trpc/chat.complete"');
    expect(output).toContain('"url":"/api/status/summary"');
    expect(output).not.toContain(QUESTION);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('wrong-key-0123456789');
  });
});
