import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AnalyticsStore } from '../../src/analytics/store.ts';
import type { Actor } from '../../src/context.ts';
import { createCaller } from '../../src/root.ts';
import { testDeps } from '../deps.ts';

const OWN = 'http://127.0.0.1:8787';

describe('analytics.track', () => {
  it('counts each event against its sender’s share of the day: the key, else the address', async () => {
    const sources: (string | undefined)[] = [];
    const store = {
      append: async (_record: unknown, source?: string) => {
        sources.push(source);
        return true;
      },
    } as unknown as AnalyticsStore;
    const deps = testDeps({
      analytics: { enabled: true, originAllowlist: [], retentionDays: 14, store },
    });
    const actors: Actor[] = [
      { keyId: null, role: 'anonymous', address: '192.0.2.7', callerId: 'c:chosen-by-client' },
      { keyId: 'alice', role: 'user', address: '192.0.2.7' },
      { keyId: null, role: 'anonymous' },
    ];
    for (const actor of actors) {
      await createCaller({
        deps,
        requestId: 'r',
        actor,
        origin: { sent: OWN, own: OWN },
      }).analytics.track({ visitorId: randomUUID(), event: 'page_view', props: { path: '/' } });
    }
    // Never the caller cookie: a client mints as many of those as it likes.
    expect(sources).toEqual(['address:192.0.2.7', 'key:alice', undefined]);
  });
});
