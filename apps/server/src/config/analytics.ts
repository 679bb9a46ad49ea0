import { join, resolve } from 'node:path';
import { canonicalOrigin } from '@bastion/api';
import { z } from 'zod';
import { baseSection } from './base.ts';
import { defineSection, envFlag } from './section.ts';

/** Exact page origins (`https://chat.example.com`), comma separated; no wildcard. */
const originAllowlist = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const origins = (raw ?? '').split(',').flatMap((o) => o.trim() || []);
    for (const origin of origins.filter((o) => canonicalOrigin(o) !== o)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${origin.slice(0, 100)}" is not an origin like https://chat.example.com (lowercase scheme and host, optional port; no path, slash or *)`,
      });
    }
    return origins;
  });

export const analyticsSection = defineSection(
  {
    DATA_DIR: baseSection.shape.DATA_DIR,
    ANALYTICS_ENABLED: envFlag(true),
    ANALYTICS_ORIGIN_ALLOWLIST: originAllowlist,
    ANALYTICS_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(3_650, 'must be at most 3650 days')
      .default(14),
  },
  (e) => ({
    enabled: e.ANALYTICS_ENABLED,
    /** Empty: only the server's own origin (the page it serves). */
    originAllowlist: e.ANALYTICS_ORIGIN_ALLOWLIST,
    retentionDays: e.ANALYTICS_RETENTION_DAYS,
    /** One JSONL file per UTC day. */
    dir: join(resolve(e.DATA_DIR), 'analytics'),
  }),
);

export type AnalyticsConfig = ReturnType<typeof analyticsSection.build>;
