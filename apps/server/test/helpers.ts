import { mkdtempSync } from 'node:fs';
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
    DATA_DIR: tempDir(),
    WEB_ROOT: 'none',
    ...env,
  });
}

/** A real server on a loopback port; call `stop` when done. */
export async function startServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<BastionServer & { url: string }> {
  const server = await createServer(testConfig(env), options);
  const url = await server.start();
  return { ...server, url };
}

/** A loopback port with nothing listening on it (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
