import { initTRPC } from '@trpc/server';
import type { Context } from './context.ts';
import { apiError, reasonOf } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Stack traces leave the server only in explicit development mode.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    return { ...shape, data: { ...shape.data, reason: reasonOf(error) } };
  },
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 20_000 },
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone the host let through (the host enforces API keys for all of /api). */
export const publicProcedure = t.procedure;

/** Needs an authenticated caller (any configured key). */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.actor.role === 'anonymous') {
    throw apiError('UNAUTHORIZED', 'unauthenticated', 'An API key is required');
  }
  return next();
});

/** Needs an admin key; refused outright when no admin key is configured. */
export const adminProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.deps.adminEnabled) {
    throw apiError('FORBIDDEN', 'admin_disabled', 'Admin procedures are disabled on this server');
  }
  if (ctx.actor.role !== 'admin') {
    throw apiError('FORBIDDEN', 'admin_required', 'An admin API key is required');
  }
  return next();
});
