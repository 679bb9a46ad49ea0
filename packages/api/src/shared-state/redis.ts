import { Redis } from 'ioredis';

export { Redis };

/**
 * Oldest Redis accepted. What Bastion uses (streams, TIME inside scripts) needs 5.0; 6.2 is the
 * floor it supports (tested on 7.0).
 */
export const MIN_REDIS_VERSION = [6, 2] as const;

export interface RedisLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** Where Redis is, for logs: host, port and database only — never the user or password. */
export function redisLocation(url: string): string {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '') || '0';
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}/${db}`;
}

function versionOf(info: string): number[] {
  const match = /^redis_version:(\d+)\.(\d+)/m.exec(info);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

function supported([major = 0, minor = 0]: number[]): boolean {
  const [needMajor, needMinor] = MIN_REDIS_VERSION;
  return major > needMajor || (major === needMajor && minor >= needMinor);
}

/**
 * Connects to REDIS_URL, waiting up to `waitMs` for it to answer (a compose stack starts Redis
 * beside the server), and checks its version. Fails with one clear line when Redis stays
 * unreachable or is too old. After start-up, commands wait for a reconnect rather than fail at once.
 */
export async function connectRedis(
  url: string,
  log: RedisLogger,
  { waitMs = 30_000 }: { waitMs?: number } = {},
): Promise<Redis> {
  const where = redisLocation(url);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 2,
    // Reconnect quickly and forever once running; start-up bounds the first wait itself.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Errors surface through commands; the client's event would otherwise crash the process.
  client.on('error', () => {});
  const deadline = Date.now() + waitMs;
  let said = false;
  for (;;) {
    try {
      if (client.status === 'wait') await client.connect();
      const info = await client.info('server');
      const version = versionOf(info);
      if (!supported(version)) {
        client.disconnect();
        throw new RedisUnavailableError(
          `Redis at ${where} is version ${version.join('.')}; Bastion needs ${MIN_REDIS_VERSION.join('.')} or newer`,
        );
      }
      log.info({ redis: where, version: version.join('.') }, 'connected to Redis');
      return client;
    } catch (error) {
      if (error instanceof RedisUnavailableError) throw error;
      if (Date.now() >= deadline) {
        client.disconnect();
        throw new RedisUnavailableError(
          `Redis at ${where} is unreachable (${(error as Error).message.split('\n')[0]}); check REDIS_URL`,
        );
      }
      if (!said) log.warn({ redis: where }, 'waiting for Redis');
      said = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
