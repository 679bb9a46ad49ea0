import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/context.ts';
import {
  adminProcedure,
  authedProcedure,
  createCallerFactory,
  createTRPCRouter,
} from '../src/trpc.ts';
import { testDeps } from './deps.ts';

const router = createTRPCRouter({
  whoami: authedProcedure.query(({ ctx }) => ctx.actor.keyId),
  secret: adminProcedure.query(() => 'admin-only'),
});
const createCaller = createCallerFactory(router);

function call(actor: Actor, adminEnabled: boolean) {
  return createCaller({ deps: testDeps({ adminEnabled }), requestId: 'r', actor });
}

const anonymous: Actor = { keyId: null, role: 'anonymous' };
const user: Actor = { keyId: 'u1', role: 'user' };
const admin: Actor = { keyId: 'a1', role: 'admin' };

async function reasonOfFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { cause?: { reason?: string } }).cause?.reason ?? 'no reason';
  }
  throw new Error('expected the call to fail');
}

describe('procedure builders', () => {
  it('authed procedures refuse anonymous callers and accept keyed ones', async () => {
    expect(await reasonOfFailure(call(anonymous, true).whoami())).toBe('unauthenticated');
    expect(await call(user, true).whoami()).toBe('u1');
  });

  it('admin procedures are off entirely when no admin key is configured', async () => {
    expect(await reasonOfFailure(call(admin, false).secret())).toBe('admin_disabled');
  });

  it('admin procedures need the admin role', async () => {
    expect(await reasonOfFailure(call(user, true).secret())).toBe('admin_required');
    expect(await call(admin, true).secret()).toBe('admin-only');
  });
});
