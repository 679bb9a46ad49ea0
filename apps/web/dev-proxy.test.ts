// @vitest-environment node
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiProxy } from './dev-proxy.ts';

const main = fileURLToPath(new URL('../server/src/main.ts', import.meta.url));

/** A Bastion server as its own process on a free loopback port; resolves with its URL. */
function startBastion(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      WEB_ROOT: 'none',
      RAG_DEMO_ROOT: 'none',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Bastion is serving (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}:\n${output}`));
    });
  });
}

describe('the dev server (vite) in front of a Bastion server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-dev-proxy-'));
  let bastion: ChildProcess | undefined;
  let vite: ViteDevServer | undefined;
  let page = '';

  beforeAll(async () => {
    const started = await startBastion(dataDir);
    bastion = started.child;
    vite = await createServer({
      configFile: false,
      logLevel: 'silent',
      root: fileURLToPath(new URL('.', import.meta.url)),
      server: { host: '127.0.0.1', port: 0, proxy: { '/api': apiProxy(started.url) } },
    });
    await vite.listen();
    page = vite.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? '';
  });

  afterAll(async () => {
    await vite?.close();
    bastion?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (origin: string) =>
    fetch(`${page}/api/trpc/chat.start`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What is Bastion?' }] }),
    });

  it("lets the page POST to its API through the proxy (the page's own origin)", async () => {
    const res = await post(page);
    expect(res.status).toBe(200);
    expect((await res.json()).result.data.requestId).toEqual(expect.any(String));
  });

  it('forwards any other origin unchanged, so the server still refuses it', async () => {
    const res = await post('https://evil.example');
    expect(res.status).toBe(403);
    expect((await res.json()).error.data.reason).toBe('origin_not_allowed');
  });
});
