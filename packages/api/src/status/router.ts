import { createTRPCRouter, publicProcedure } from '../trpc.ts';
import { statusSummary } from './summary.ts';

export const statusRouter = createTRPCRouter({
  summary: publicProcedure.query(({ ctx }) => statusSummary(ctx.deps, ctx.actor)),
});
