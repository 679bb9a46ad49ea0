import { describe, expect, it } from 'vitest';
import type { ApiDeps } from '../src/context.ts';
import { createCaller } from '../src/root.ts';
import { testDeps } from './deps.ts';

const deps = (overrides: Partial<ApiDeps> = {}) =>
  testDeps({
    build: { version: '1.2.3', build: 'abc123', startedAt: Date.now() - 5_500 },
    ...overrides,
  });

const anonymous = { keyId: null, role: 'anonymous' as const };

describe('status.summary', () => {
  it('reports version, build and whole seconds of uptime', async () => {
    const caller = createCaller({ deps: deps(), requestId: 'r1', actor: anonymous });
    const summary = await caller.status.summary();
    expect(summary).toMatchObject({
      ok: true,
      ready: true,
      version: '1.2.3',
      build: 'abc123',
      uptimeS: 5,
    });
  });

  it('shows the configured answering path and never a secret', async () => {
    const caller = createCaller({ deps: deps(), requestId: 'r1', actor: anonymous });
    const summary = await caller.status.summary();
    expect(summary.llm).toMatchObject({
      path: 'extractive',
      primary: { enabled: false, baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
      fallback: { configured: false, model: null },
      extractive: { enabled: true },
    });
    expect(summary.guardrails).toEqual({ mode: 'enforce', flagged: 0, blocked: 0 });
    expect(summary.sse).toEqual({ connections: 0 });
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
