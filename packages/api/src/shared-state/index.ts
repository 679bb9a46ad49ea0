export {
  connectRedis,
  MIN_REDIS_VERSION,
  Redis,
  RedisUnavailableError,
  redisLocation,
} from './redis.ts';
export { RedisChatLimiter } from './redis-limiter.ts';
export { RedisRuns } from './redis-runs.ts';
