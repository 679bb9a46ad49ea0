import { tracked } from '@trpc/server';
import { z } from 'zod';
import { allowedCollection } from '../auth/collections.ts';
import { createTRPCRouter, publicProcedure } from '../trpc.ts';
import { chatInput, streamInput } from './input.ts';
import { eventId } from './runs.ts';

export const chatRouter = createTRPCRouter({
  stream: publicProcedure.input(streamInput).subscription(async function* ({ input, ctx, signal }) {
    const chat = ctx.deps.chat.service;
    if (!input.lastEventId) allowedCollection(ctx, input.collection);
    const { run, from } = input.lastEventId
      ? chat.resume(input.lastEventId, ctx.actor)
      : { run: chat.start(input, ctx.actor), from: 0 };
    const abort = signal ?? new AbortController().signal;
    run.attach();
    ctx.deps.chat.metrics.connectionOpened();
    try {
      for await (const { seq, event } of run.follow(from, abort)) {
        yield tracked(eventId(run.id, seq), event);
      }
    } finally {
      ctx.deps.chat.metrics.connectionClosed();
      run.detach(chat.resumeGraceMs);
    }
  }),

  complete: publicProcedure.input(chatInput).mutation(({ input, ctx, signal }) => {
    allowedCollection(ctx, input.collection);
    return ctx.deps.chat.service.complete(input, signal ?? new AbortController().signal);
  }),

  /** Stops an answer in progress at once (the owner only); idempotent. */
  cancel: publicProcedure
    .input(z.object({ requestId: z.string().uuid() }))
    .mutation(({ input, ctx }) => ({
      cancelled: ctx.deps.chat.service.cancel(input.requestId, ctx.actor),
    })),
});
