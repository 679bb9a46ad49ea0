import { afterAll, beforeAll } from 'vitest';
import { Redis } from '../../src/shared-state/redis.ts';
import { startRedis, type TestService } from '../../src/testing/services.ts';

/** A real Redis for the enclosing suite, stopped after it; call the result for a connection. */
export function useRedis(): () => Redis {
  let service: TestService | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    service = await startRedis();
    redis = new Redis(service.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await service?.stop();
  });
  return () => {
    if (!redis) throw new Error('Redis is not started yet (use it inside a test)');
    return redis;
  };
}
