import { z } from 'zod';
import type { Context } from '../context.ts';
import { adminProcedure, createTRPCRouter } from '../trpc.ts';
import { refusal } from './refusal.ts';
import type { ToolRunner } from './runner.ts';

/** `args` is validated against the named tool's own schema, so refusals can be audited. */
const execInput = z.object({
  tool: z.string().min(1).max(64),
  args: z.unknown().optional(),
});

function runnerOf(ctx: Context): ToolRunner {
  if (!ctx.deps.tools) throw refusal('tools_unavailable', 'Tools are not set up on this server');
  return ctx.deps.tools;
}

export const toolsRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => runnerOf(ctx).list()),
  exec: adminProcedure
    .input(execInput)
    .mutation(({ ctx, input }) =>
      runnerOf(ctx).exec(input.tool, input.args, { requestId: ctx.requestId, actor: ctx.actor }),
    ),
});
