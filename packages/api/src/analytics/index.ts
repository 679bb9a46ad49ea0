export {
  type AnalyticsRecord,
  EVENT_NAMES,
  EVENT_PROPS,
  type EventName,
  type TrackInput,
} from './events.ts';
export { JsonlAnalyticsStore, MAX_DAY_BYTES } from './jsonl-store.ts';
export { openAnalyticsStore } from './open-store.ts';
export { canonicalOrigin, originAllowed, type RequestOrigins } from './origin.ts';
export { retentionCutoff, scheduleRetention } from './retention.ts';
export type { AnalyticsDeps } from './router.ts';
export { SqlAnalyticsStore } from './sql-store.ts';
export type { AnalyticsStore, DaySummary } from './store.ts';
