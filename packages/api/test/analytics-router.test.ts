import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { openAnalyticsStore } from '../src/analytics/open-store.ts';
import type { AnalyticsDeps } from '../src/analytics/router.ts';
import type { Actor, ApiDeps } from '../src/context.ts';
import { Feedback } from '../src/feedback/feedback.ts';
import { createCaller } from '../src/root.ts';
import { testDeps } from './deps.ts';
import { cleanup, onCleanup, tempDir } from './rag/temp.ts';
import { failureReason } from './reason.ts';
import { openTestStorage } from './storage.ts';

afterEach(cleanup);

const OWN = 'http://127.0.0.1:8787';
const anonymous: Actor = { keyId: null, role: 'anonymous' };
const admin: Actor = { keyId: 'ops', role: 'admin' };

async function setup(settings: Partial<Omit<AnalyticsDeps, 'store'>> = {}) {
  const dir = tempDir('bastion-analytics-');
  // The server's choice: JSONL files beside SQLite, the shared table on PostgreSQL.
  const storage = await openTestStorage(join(dir, 'bastion.sqlite'));
  onCleanup(() => storage.close());
  const store = await openAnalyticsStore(storage.db, join(dir, 'analytics'));
  const registry = new Registry();
  const feedback = new Feedback(storage.db, registry);
  const analytics: AnalyticsDeps = {
    enabled: true,
    originAllowlist: [],
    retentionDays: 14,
    store,
    ...settings,
  };
  const deps: ApiDeps = testDeps({ analytics, feedback, adminEnabled: true });
  const caller = (sent: string | null = OWN, actor: Actor = anonymous) =>
    createCaller({ deps, requestId: 'r1', actor, origin: { sent, own: OWN } });
  /** An answer to rate: a request id and the feedback token chat would have sent with it. */
  const rated = () => {
    const requestId = randomUUID();
    return { requestId, token: feedback.tokenFor(requestId) };
  };
  return { caller, store, registry, rated };
}

const view = (visitorId: string) =>
  ({ visitorId, event: 'page_view', props: { path: '/' } }) as const;

describe('analytics.track', () => {
  it('accepts the page’s own origin and refuses others when no allowlist is set', async () => {
    const { caller, store } = await setup();
    const visitor = randomUUID();
    expect(await caller().analytics.track(view(visitor))).toEqual({ stored: true });
    for (const sent of [
      'https://evil.example',
      'http://127.0.0.1:8788',
      'HTTP://127.0.0.1:8787',
      'http://127.0.0.1:8787/',
      'null',
      null,
    ]) {
      expect(await failureReason(caller(sent).analytics.track(view(visitor))), String(sent)).toBe(
        'analytics_origin_not_allowed',
      );
    }
    expect(await store.export(visitor, 100)).toHaveLength(1);
  });

  it('accepts the page’s public origins (ALLOWED_ORIGINS) besides its own when no list is set', async () => {
    const { caller } = await setup({ pageOrigins: ['https://chat.example.com'] });
    const visitor = randomUUID();
    expect(await caller('https://chat.example.com').analytics.track(view(visitor))).toEqual({
      stored: true,
    });
    expect(await caller(OWN).analytics.track(view(visitor))).toEqual({ stored: true });
    expect(await failureReason(caller('https://evil.example').analytics.track(view(visitor)))).toBe(
      'analytics_origin_not_allowed',
    );
  });

  it('accepts exactly the allowlisted origins when a list is set', async () => {
    const { caller: withPages } = await setup({
      originAllowlist: ['https://a.example'],
      pageOrigins: ['https://chat.example.com'],
    });
    expect(
      await failureReason(
        withPages('https://chat.example.com').analytics.track(view(randomUUID())),
      ),
    ).toBe('analytics_origin_not_allowed');

    const { caller } = await setup({ originAllowlist: ['https://chat.example.com'] });
    const visitor = randomUUID();
    expect(await caller('https://chat.example.com').analytics.track(view(visitor))).toEqual({
      stored: true,
    });
    expect(await failureReason(caller(OWN).analytics.track(view(visitor)))).toBe(
      'analytics_origin_not_allowed',
    );
    expect(
      await failureReason(
        caller('https://chat.example.com.evil.io').analytics.track(view(visitor)),
      ),
    ).toBe('analytics_origin_not_allowed');
  });

  it('refuses malformed events with invalid_input and stores nothing', async () => {
    const { caller, store } = await setup();
    const visitor = randomUUID();
    const malformed: unknown[] = [
      { visitorId: 'not-a-uuid', event: 'page_view', props: { path: '/' } },
      { visitorId: visitor, event: 'login', props: {} },
      { visitorId: visitor, event: 'page_view', props: { path: '/?q=secret' } },
      { visitorId: visitor, event: 'page_view', props: { path: '/', email: 'a@b.c' } },
      { visitorId: visitor, event: 'page_view', props: { path: `/${'a'.repeat(200)}` } },
      { visitorId: visitor, event: 'page_view' },
      { visitorId: visitor, event: 'question_asked', props: { chars: -1, history: 0 } },
      { visitorId: visitor, event: 'question_asked', props: { chars: 1e9, history: 0 } },
      {
        visitorId: visitor,
        event: 'answer_shown',
        props: { servedBy: 'me', grounded: true, sources: 1 },
      },
      { visitorId: visitor, event: 'source_opened', props: { rank: 0 } },
      { visitorId: visitor, event: 'feedback_given', props: { rating: 'meh' } },
      { visitorId: visitor, event: 'error_shown', props: { reason: 'Leaked: sk-12345' } },
      { visitorId: visitor, event: 'page_view', props: { path: '/' }, ip: '10.0.0.1' },
      'page_view',
    ];
    for (const input of malformed) {
      expect(
        await failureReason(caller().analytics.track(input as never)),
        JSON.stringify(input),
      ).toBe('invalid_input');
    }
    expect(await store.export(visitor, 100)).toEqual([]);
  });

  it('stores the server’s time, the event and its props: nothing about the request', async () => {
    const { caller, store } = await setup();
    const visitor = randomUUID();
    await caller().analytics.track({
      visitorId: visitor.toUpperCase(),
      event: 'answer_shown',
      props: { servedBy: 'extractive', grounded: true, sources: 3, totalMs: 120 },
    });
    const [stored] = await store.export(visitor, 100);
    expect(Object.keys(stored!).sort()).toEqual(['event', 'props', 'ts', 'visitorId']);
    expect(stored!.visitorId).toBe(visitor);
    expect(Date.now() - Date.parse(stored!.ts)).toBeLessThan(10_000);
  });

  it('refuses every event when turned off, while erasure and export still work', async () => {
    const { caller } = await setup({ enabled: false });
    const visitor = randomUUID();
    expect(await failureReason(caller().analytics.track(view(visitor)))).toBe('analytics_disabled');
    expect(await caller().analytics.erase({ visitorId: visitor })).toEqual({
      events: 0,
      feedback: 0,
    });
    expect((await caller().analytics.export({ visitorId: visitor })).events).toEqual([]);
  });

  it('answers analytics_unavailable when the host set no store up', async () => {
    const deps = testDeps();
    const caller = createCaller({ deps, requestId: 'r', actor: anonymous });
    expect(await failureReason(caller.analytics.track(view(randomUUID())))).toBe(
      'analytics_unavailable',
    );
  });
});

describe('analytics.erase and analytics.export', () => {
  it('export returns exactly the visitor’s events and ratings; erase removes exactly them', async () => {
    const { caller, rated } = await setup();
    const me = randomUUID();
    const other = randomUUID();
    await caller().analytics.track(view(me));
    await caller().analytics.track(view(other));
    await caller().analytics.track({ visitorId: me, event: 'source_opened', props: { rank: 2 } });
    await caller().feedback.submit({ ...rated(), rating: 'up', visitorId: me });
    await caller().feedback.submit({ ...rated(), rating: 'down', visitorId: other });

    const exported = await caller().analytics.export({ visitorId: me });
    expect(exported.events.map((e) => [e.event, e.props])).toEqual([
      ['page_view', { path: '/' }],
      ['source_opened', { rank: 2 }],
    ]);
    expect(exported.feedback.map((f) => f.rating)).toEqual(['up']);

    // Any spelling of the ID (upper case) reaches the same visitor.
    expect(await caller().analytics.erase({ visitorId: me.toUpperCase() })).toEqual({
      events: 2,
      feedback: 1,
    });
    expect(await caller().analytics.export({ visitorId: me })).toEqual({
      visitorId: me,
      events: [],
      truncated: false,
      feedback: [],
    });
    const kept = await caller().analytics.export({ visitorId: other });
    expect(kept.events).toHaveLength(1);
    expect(kept.feedback).toHaveLength(1);
  });

  it('refuses an ID that is not a UUID', async () => {
    const { caller } = await setup();
    expect(await failureReason(caller().analytics.erase({ visitorId: '*' }))).toBe('invalid_input');
    expect(await failureReason(caller().analytics.export({ visitorId: '' }))).toBe('invalid_input');
  });
});

describe('analytics.summary', () => {
  it('is for admins only', async () => {
    const { caller } = await setup();
    expect(await failureReason(caller().analytics.summary())).toBe('admin_required');
  });

  it('shows events per day, answers by provider, feedback ratio and guardrail blocks', async () => {
    const { caller, rated } = await setup();
    const visitor = randomUUID();
    const answer = (servedBy: 'primary' | 'guardrails') =>
      caller().analytics.track({
        visitorId: visitor,
        event: 'answer_shown',
        props: { servedBy, grounded: false, sources: 0 },
      });
    await answer('primary');
    await answer('primary');
    await answer('guardrails');
    await caller().feedback.submit({ ...rated(), rating: 'up', visitorId: visitor });
    await caller().feedback.submit({ ...rated(), rating: 'up' });
    await caller().feedback.submit({ ...rated(), rating: 'down' });
    const summary = await caller(OWN, admin).analytics.summary();
    expect(summary).toMatchObject({
      enabled: true,
      retentionDays: 14,
      days: [
        {
          day: new Date().toISOString().slice(0, 10),
          events: { answer_shown: 3 },
          visitors: 1,
          answers: { primary: 2, guardrails: 1 },
          guardrailBlocks: 1,
        },
      ],
      feedback: { up: 2, down: 1, ratio: 2 / 3 },
      guardrailsSinceStart: { flagged: 0, blocked: 0 },
    });
  });
});
