// The Redis store @fastify/rate-limit ships (CommonJS, without types of its own).
declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Redis } from '@bastion/api';
  import type { FastifyRateLimitStore } from '@fastify/rate-limit';

  const RedisStore: new (
    continueExceeding: boolean,
    exponentialBackoff: boolean,
    redis: Redis,
    key?: string,
  ) => FastifyRateLimitStore;
  export default RedisStore;
}
