import { DatabaseUnavailableError, RedisUnavailableError } from '@bastion/api';
import { ConfigError, loadConfig } from './config/env.ts';
import { environmentWithoutSecrets } from './secret-env.ts';
import { createServer } from './server.ts';
import { answerPathLine, listenFailure } from './startup.ts';

async function main(): Promise<void> {
  // Files the server creates (database, analytics, logs) are private to its user: 0600, dirs 0700.
  process.umask(0o077);
  // Before anything can start a child: credentials leave the process environment (secret-env.ts).
  const env = environmentWithoutSecrets();
  // A path, not a secret: named in the start-up line when it holds no key.
  const openaiKeyFile = env.OPENAI_API_KEY_FILE;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bastion: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const server = await createServer(config).catch((error: unknown) => {
    // A shared service that is unreachable or too old: one line, no stack.
    if (!(error instanceof RedisUnavailableError || error instanceof DatabaseUnavailableError)) {
      throw error;
    }
    process.stderr.write(`bastion: ${error.message}\n`);
    process.exit(1);
  });
  const shutdown = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  let address: string;
  try {
    address = await server.start();
  } catch (error) {
    const line = listenFailure(error, config.host, config.port);
    if (!line) throw error;
    process.stderr.write(`bastion: ${line}\n`);
    await server.stop().catch(() => {});
    process.exit(1);
  }
  server.app.log.info(`Bastion is serving ${address}`);
  if (openaiKeyFile && !config.chat.fallback) {
    server.app.log.info(
      `OPENAI_API_KEY_FILE ${openaiKeyFile} is absent or empty: no OpenAI fallback`,
    );
  }
  // The health loop probes too; this first answer is awaited so the line is true when written.
  await server.llm.probe();
  server.app.log.info(answerPathLine(server.llm.status()));
}

await main();
