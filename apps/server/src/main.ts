import { ConfigError, loadConfig } from './config/env.ts';
import { createServer } from './server.ts';

async function main(): Promise<void> {
  // Files the server creates (database, analytics, logs) are private to its user: 0600, dirs 0700.
  process.umask(0o077);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bastion: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const server = await createServer(config);
  const shutdown = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await server.start();
  server.app.log.info(`Bastion is serving ${address}`);
}

await main();
