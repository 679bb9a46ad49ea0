import { isBusyError } from '../db/retry.ts';
import { DomainError } from '../errors.ts';
import { createTRPCRouter, publicProcedure } from '../trpc.ts';
import { feedbackInput } from './feedback.ts';

export const feedbackRouter = createTRPCRouter({
  /** 👍/👎 (and an optional note) on one answer; a second call by the same visitor replaces it. */
  submit: publicProcedure.input(feedbackInput).mutation(async ({ ctx, input }) => {
    const feedback = ctx.deps.feedback;
    if (!feedback) throw new DomainError('feedback_unavailable', 'Feedback is not set up');
    // Never the client address: the page's anonymous ID, else the key id, else one shared bucket.
    const visitor = input.visitorId ?? (ctx.actor.keyId ? `key:${ctx.actor.keyId}` : 'anonymous');
    try {
      return { replaced: await feedback.submit(input, visitor) };
    } catch (error) {
      if (isBusyError(error))
        throw new DomainError('storage_busy', 'The database is busy; retry shortly');
      throw error;
    }
  }),
});
