import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../src/context.ts';
import { createCaller } from '../src/root.ts';

function deps(overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    build: { version: '1.2.3', build: 'abc123', startedAt: Date.now() - 5_500 },
    isReady: () => true,
    adminEnabled: false,
    ...overrides,
  };
}

const anonymous = { keyId: null, role: 'anonymous' as const };

describe('status.summary', () => {
  it('reports version, build and whole seconds of uptime', async () => {
    const caller = createCaller({ deps: deps(), requestId: 'r1', actor: anonymous });
    const summary = await caller.status.summary();
    expect(summary).toEqual({
      ok: true,
      ready: true,
      version: '1.2.3',
      build: 'abc123',
      uptimeS: 5,
    });
  });

  it('is not ready (and not ok) until storage says so', async () => {
    const caller = createCaller({
      deps: deps({ isReady: () => false }),
      requestId: 'r2',
      actor: anonymous,
    });
    expect(await caller.status.summary()).toMatchObject({ ok: false, ready: false });
  });
});
