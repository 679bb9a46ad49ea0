import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root.ts';

export type { Actor, ApiDeps, BuildInfo, Context } from './context.ts';
export { apiError, ReasonedError } from './errors.ts';
export { type AppRouter, appRouter, createCaller } from './root.ts';
export { type StatusSummary, statusSummary } from './status/summary.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
