import { tracked } from '@trpc/server';
import { z } from 'zod';
import { withFeedbackToken } from '../feedback/feedback.ts';
import { createTRPCRouter, publicProcedure } from '../trpc.ts';
import { chatInput, streamInput } from './input.ts';
import { eventId } from './runs.ts';

/**
 * The next-sse-chat pattern: `chat.start` (a POST, so a conversation of any allowed size never
 * travels in a URL) starts a run that lives on the server; `chat.stream` only names the run (and
 * where to resume), so a viewer can leave and come back; `chat.cancel` stops the model at once.
 */
export const chatRouter = createTRPCRouter({
  start: publicProcedure.input(chatInput).mutation(async ({ input, ctx }) => {
    const run = await ctx.deps.chat.service.start(input, ctx.actor);
    return { requestId: run.id };
  }),

  stream: publicProcedure.input(streamInput).subscription(async function* ({ input, ctx, signal }) {
    const chat = ctx.deps.chat.service;
    const { run, from } = await chat.view(input.requestId, input.lastEventId, ctx.actor);
    const release = await chat.openStream(ctx.actor);
    // The slot is the connection's: a viewer of a finished run that does not read keeps it.
    ctx.onReplyClosed?.(release);
    run.attach();
    ctx.deps.chat.metrics.connectionOpened();
    // Issued now, while the model is being asked, rather than between its first token and the
    // viewer: the meta event that carries it goes out just before that token.
    const feedbackToken = ctx.deps.feedback?.tokenFor(run.id);
    try {
      for await (const { seq, event } of run.follow(from, signal ?? new AbortController().signal)) {
        yield tracked(
          eventId(run.id, seq),
          event.type === 'meta' && feedbackToken ? { ...event, feedbackToken } : event,
        );
      }
    } finally {
      ctx.deps.chat.metrics.connectionClosed();
      run.detach(chat.resumeGraceMs);
      if (!ctx.onReplyClosed) release();
    }
  }),

  complete: publicProcedure.input(chatInput).mutation(async ({ input, ctx, signal }) => {
    const answer = await ctx.deps.chat.service.complete(
      input,
      ctx.actor,
      signal ?? new AbortController().signal,
    );
    return withFeedbackToken(ctx.deps.feedback, answer);
  }),

  /** Stops an answer in progress at once (the owner only); idempotent. */
  cancel: publicProcedure
    .input(z.object({ requestId: z.string().uuid() }))
    .mutation(async ({ input, ctx }) => ({
      cancelled: await ctx.deps.chat.service.cancel(input.requestId, ctx.actor),
    })),
});
