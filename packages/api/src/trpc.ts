import { initTRPC } from '@trpc/server';
import type { Context } from './context.ts';
import { DomainError, formatTRPCError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Stack traces leave the server only in explicit development mode.
  isDev: process.env.NODE_ENV === 'development',
  // The one place errors become tRPC's wire shape: code, status and `data.reason` from the reason.
  errorFormatter: ({ shape, error }) => formatTRPCError(shape, error),
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 20_000 },
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to any caller the host admits for this procedure (see `Context.admit`). */
export const publicProcedure = t.procedure.use(async ({ ctx, path, next }) => {
  await ctx.admit?.(path);
  return next();
});

/** Needs an authenticated caller (any configured key). */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.actor.role === 'anonymous') {
    throw new DomainError('unauthenticated', 'An API key is required');
  }
  return next();
});

/** Needs an admin key; refused outright when no admin key is configured. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.deps.adminEnabled) {
    throw new DomainError('admin_disabled', 'Admin procedures are disabled on this server');
  }
  if (ctx.actor.role !== 'admin') {
    throw new DomainError('admin_required', 'An admin API key is required');
  }
  return next();
});
