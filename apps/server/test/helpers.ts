import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ServerConfig } from '../src/config/env.ts';
import { type BastionServer, createServer, type ServerOptions } from '../src/server.ts';

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
