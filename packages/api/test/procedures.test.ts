import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/context.ts';
import { DomainError } from '../src/errors.ts';
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
  broken: authedProcedure.query((): string => {
    throw new Error('SQLITE_IOERR: disk I/O error at /srv/bastion/data/bastion.db');
  }),
  refused: authedProcedure.query((): string => {
    throw new DomainError('not_found', 'No such document');
  }),
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

describe('error bodies on the wire', () => {
  async function errorOf(path: string): Promise<{ message: string; data: { reason: string } }> {
    const response = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request(`http://127.0.0.1/api/trpc/${path}`),
      router,
      createContext: () => ({
        deps: testDeps({ adminEnabled: true }),
        requestId: 'r',
        actor: user,
      }),
    });
    return ((await response.json()) as { error: { message: string; data: { reason: string } } })
      .error;
  }

  it('an unexpected failure says only that it was internal, never the library text', async () => {
    const error = await errorOf('broken');
    expect(error.data.reason).toBe('internal');
    expect(error.message).toBe('Internal server error');
    expect(JSON.stringify(error)).not.toContain('/srv/bastion');
  });

  it('a failure raised on purpose keeps its message', async () => {
    const error = await errorOf('refused');
    expect(error.data.reason).toBe('not_found');
    expect(error.message).toBe('No such document');
  });
});
