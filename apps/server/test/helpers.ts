import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BastionClient, ChatEvent } from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterEach } from 'vitest';
import { loadConfig, type ServerConfig } from '../src/config/env.ts';
import { type BastionServer, createServer, type ServerOptions } from '../src/server.ts';

/** The server's entry point, for tests that run it as a process of its own. */
export const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/**
 * The environment `main.ts` runs with in such a test: loopback on a free port, no page and no demo
 * documents, over `dataDir`; `extra` adds or overrides.
 */
export function mainEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    WEB_ROOT: 'none',
    RAG_DEMO_ROOT: 'none',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export function tempDir(prefix = 'bastion-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(env: Record<string, string> = {}): ServerConfig {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WEB_ROOT: 'none',
    ...env,
    // A fresh folder only when the caller gave none (so none is made that nothing removes).
    DATA_DIR: env.DATA_DIR ?? tempDir(),
  });
}

/**
 * A real server on a loopback port; call `stop` when done. The data folder made for it (when the
 * caller gave no DATA_DIR) goes with it, whether it started or not.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<BastionServer & { url: string }> {
  const config = testConfig(env);
  const removeData = () => {
    if (!env.DATA_DIR) rmSync(config.dataDir, { recursive: true, force: true });
  };
  try {
    const server = await createServer(config, options);
    const url = await server.start();
    return {
      ...server,
      url,
      async stop() {
        await server.stop();
        removeData();
      },
    };
  } catch (error) {
    removeData();
    throw error;
  }
}

/** A loopback port with nothing listening on it (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Per test of the enclosing suite: a server whose primary model is a fresh fake, both stopped
 * after the test. `start` takes the server's extra environment and the fake's default scenario.
 */
export function useServerWithFakeModel() {
  let primary: FakeOpenAI | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.stop();
    await primary?.close();
    server = undefined;
    primary = undefined;
  });
  return {
    async start(env: Record<string, string> = {}, defaultScenario = {}) {
      primary = await startFakeOpenAI({ defaultScenario });
      server = await startServer({
        PRIMARY_BASE_URL: primary.baseURL,
        PRIMARY_MODEL: 'fake-model',
        ...env,
      });
      return server;
    },
    /** The fake model of the running test. */
    get primary(): FakeOpenAI {
      if (!primary) throw new Error('no server started in this test');
      return primary;
    },
  };
}

/** Starts an answer (`chat.start`) and collects the events of its run (`chat.stream`) to the end. */
export async function collectAnswer(
  client: BastionClient,
  input: Parameters<BastionClient['chat']['start']['mutate']>[0],
): Promise<ChatEvent[]> {
  const { requestId } = await client.chat.start.mutate(input);
  return new Promise((resolve, reject) => {
    const events: ChatEvent[] = [];
    const sub = client.chat.stream.subscribe(
      { requestId },
      {
        onData: ({ data }) => {
          events.push(data);
          if (data.type === 'done' || data.type === 'error') {
            sub.unsubscribe();
            resolve(events);
          }
        },
        onError: (error) => {
          sub.unsubscribe();
          reject(error);
        },
      },
    );
  });
}
