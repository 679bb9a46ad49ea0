import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { createTRPCRouter, publicProcedure } from '../trpc.ts';
import type { SessionControl } from './control.ts';

/** Longest key accepted; real secrets are far shorter, and this caps the work a guess costs. */
const MAX_KEY_LENGTH = 512;

function sessionsOf(session: SessionControl | undefined): SessionControl {
  if (!session) throw new DomainError('not_found', 'This server has no browser sessions');
  return session;
}

/**
 * Browser sessions, so the page works on a keyed server without ever holding the key: the key is
 * sent once, in a POST body, and exchanged for an HttpOnly cookie. Open to anonymous callers (they
 * are how one signs in); sign-in is rate limited per client by the host.
 */
export const sessionRouter = createTRPCRouter({
  signIn: publicProcedure
    .input(z.object({ key: z.string().min(1).max(MAX_KEY_LENGTH) }))
    .mutation(async ({ input, ctx }) => {
      const signedIn = await sessionsOf(ctx.session).signIn(input.key);
      if (!signedIn) throw new DomainError('invalid_api_key', 'The API key is not valid');
      return signedIn;
    }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    await sessionsOf(ctx.session).signOut();
    return { signedIn: false as const };
  }),

  /** Who the page is talking as, and whether it has to sign in at all. */
  whoami: publicProcedure.query(({ ctx }) => ({
    signedIn: ctx.actor.role !== 'anonymous',
    keyId: ctx.actor.keyId,
    role: ctx.actor.role,
    publicChat: ctx.session?.publicChat ?? false,
    keyRequired: ctx.session?.keyRequired ?? false,
  })),
});
