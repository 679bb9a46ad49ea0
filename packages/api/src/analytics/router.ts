import { z } from 'zod';
import type { Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { adminProcedure, createTRPCRouter, publicProcedure } from '../trpc.ts';
import { trackInput, visitorIdSchema } from './events.ts';
import { originAllowed } from './origin.ts';
import type { AnalyticsStore } from './store.ts';

/** What the host gives the analytics procedures. */
export interface AnalyticsDeps {
  /** ANALYTICS_ENABLED: when off, `track` refuses; erasure and export still work. */
  enabled: boolean;
  /** ANALYTICS_ORIGIN_ALLOWLIST (exact origins); empty means the page's own origins. */
  originAllowlist: readonly string[];
  /** The page's public origins besides the server's own (ALLOWED_ORIGINS), for an empty list. */
  pageOrigins?: readonly string[];
  retentionDays: number;
  store: AnalyticsStore;
}

const visitorInput = z.object({ visitorId: visitorIdSchema }).strict();

/** Events one export returns at most (about 6 MB of JSON); a real visitor stays far below. */
export const EXPORT_LIMIT = 50_000;

function analyticsOf(ctx: Context): AnalyticsDeps {
  const analytics = ctx.deps.analytics;
  if (!analytics) throw new DomainError('analytics_unavailable', 'Analytics are not set up');
  return analytics;
}

export const analyticsRouter = createTRPCRouter({
  /** One anonymous event; stamped with the server's time, stored without IP or user agent. */
  track: publicProcedure.input(trackInput).mutation(async ({ ctx, input }) => {
    const analytics = analyticsOf(ctx);
    if (!analytics.enabled) {
      throw new DomainError('analytics_disabled', 'Analytics are turned off on this server');
    }
    if (!originAllowed(ctx.origin, analytics.originAllowlist, analytics.pageOrigins)) {
      throw new DomainError(
        'analytics_origin_not_allowed',
        'Events are accepted only from the allowed page origins',
      );
    }
    // Who sent it, for the per-source share of the day's cap: the key, else the client address
    // (a /64 for IPv6, as the host gives it); a caller cookie is the client's to mint, so no.
    const { keyId, address } = ctx.actor;
    const source = keyId ? `key:${keyId}` : address ? `address:${address}` : undefined;
    const record = { ts: new Date().toISOString(), ...input };
    return { stored: await analytics.store.append(record, source) };
  }),

  /** GDPR erasure: every event and every feedback rating of this visitor ID. */
  erase: publicProcedure.input(visitorInput).mutation(async ({ ctx, input }) => {
    const events = await analyticsOf(ctx).store.erase(input.visitorId);
    const feedback = (await ctx.deps.feedback?.eraseVisitor(input.visitorId)) ?? 0;
    return { events, feedback };
  }),

  /** GDPR access: everything stored under this visitor ID. */
  export: publicProcedure.input(visitorInput).query(async ({ ctx, input }) => {
    const events = await analyticsOf(ctx).store.export(input.visitorId, EXPORT_LIMIT + 1);
    const feedback = (await ctx.deps.feedback?.exportVisitor(input.visitorId)) ?? [];
    return {
      visitorId: input.visitorId,
      events: events.slice(0, EXPORT_LIMIT).map(({ ts, event, props }) => ({ ts, event, props })),
      /** More events are stored than one export returns (erasure still removes them all). */
      truncated: events.length > EXPORT_LIMIT,
      feedback,
    };
  }),

  /** For operators: events per day, answers by provider, feedback ratio, guardrail blocks. */
  summary: adminProcedure.query(async ({ ctx }) => {
    const analytics = analyticsOf(ctx);
    const days = await analytics.store.summary();
    const feedback = (await ctx.deps.feedback?.totals()) ?? { up: 0, down: 0, ratio: null };
    return {
      enabled: analytics.enabled,
      retentionDays: analytics.retentionDays,
      days,
      feedback,
      /** Guardrail decisions on chat requests since the server started (all callers). */
      guardrailsSinceStart: { ...ctx.deps.chat.metrics.guardrails },
    };
  }),
});
