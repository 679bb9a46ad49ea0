import { describe, expect, it, vi } from 'vitest';
import { type AnalyticsClient, createTracker, VISITOR_KEY } from './tracker.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

function fakeClient(fail?: unknown) {
  const sent: unknown[] = [];
  const client = {
    analytics: {
      track: {
        mutate: vi.fn(async (input: unknown) => {
          sent.push(input);
          if (fail) throw fail;
          return { stored: true };
        }),
      },
    },
  } as unknown as AnalyticsClient;
  return { sent, client: vi.fn(async () => client) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('analytics tracker', () => {
  it('sends events under one random ID kept in storage', async () => {
    const storage = memoryStorage();
    const { sent, client } = fakeClient();
    const tracker = createTracker({ client, navigator: { doNotTrack: null }, storage });
    tracker.track('page_view', { path: '/' });
    tracker.track('source_opened', { rank: 2 });
    await flush();
    const id = storage.items.get(VISITOR_KEY);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toEqual([
      { visitorId: id, event: 'page_view', props: { path: '/' } },
      { visitorId: id, event: 'source_opened', props: { rank: 2 } },
    ]);
    // A later page load reuses the same ID.
    const again = createTracker({ client, navigator: { doNotTrack: null }, storage });
    expect(again.visitorId()).toBe(id);
  });

  it.each([
    ['Do-Not-Track', { doNotTrack: '1' }],
    ['Global Privacy Control', { doNotTrack: null, globalPrivacyControl: true }],
  ])('sends nothing and stores no ID under %s', async (_name, navigator) => {
    const storage = memoryStorage();
    const { client } = fakeClient();
    const tracker = createTracker({ client, navigator, storage });
    expect(tracker.enabled).toBe(false);
    tracker.track('page_view', { path: '/' });
    tracker.track('question_asked', { chars: 10, history: 0 });
    await flush();
    expect(client).not.toHaveBeenCalled();
    expect(storage.items.size).toBe(0);
  });

  it('drops events while the page may not send them (signed out), and sends again once it may', async () => {
    const { sent, client } = fakeClient();
    let signedIn = false;
    const tracker = createTracker({
      client,
      navigator: {},
      storage: memoryStorage(),
      allowed: () => signedIn,
    });
    tracker.track('page_view', { path: '/' });
    await flush();
    expect(sent).toHaveLength(0);
    signedIn = true;
    tracker.track('page_view', { path: '/' });
    await flush();
    expect(sent).toHaveLength(1);
  });

  it('stops sending once the server says analytics are off', async () => {
    const { sent, client } = fakeClient({ data: { reason: 'analytics_disabled' } });
    const tracker = createTracker({ client, navigator: {}, storage: memoryStorage() });
    tracker.track('page_view', { path: '/' });
    await flush();
    tracker.track('page_view', { path: '/' });
    await flush();
    expect(sent).toHaveLength(1);
  });

  it('swallows other failures and keeps sending', async () => {
    const { sent, client } = fakeClient(new TypeError('fetch failed'));
    const tracker = createTracker({ client, navigator: {}, storage: memoryStorage() });
    tracker.track('error_shown', { reason: 'network_error' });
    await flush();
    tracker.track('error_shown', { reason: 'network_error' });
    await flush();
    expect(sent).toHaveLength(2);
  });

  it('forgets the ID, so later events start a new one', async () => {
    const storage = memoryStorage();
    const { sent, client } = fakeClient();
    const tracker = createTracker({ client, navigator: {}, storage });
    tracker.track('page_view', { path: '/' });
    const first = tracker.visitorId();
    tracker.forget();
    expect(tracker.visitorId()).toBeNull();
    tracker.track('page_view', { path: '/' });
    await flush();
    const ids = sent.map((s) => (s as { visitorId: string }).visitorId);
    expect(ids[0]).toBe(first);
    expect(ids[1]).not.toBe(first);
  });

  it('holds events until the page is ready, then sends them in order', async () => {
    const { sent, client } = fakeClient();
    let ready!: () => void;
    const whenReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const tracker = createTracker({ client, navigator: {}, storage: memoryStorage(), whenReady });
    tracker.track('page_view', { path: '/' });
    tracker.track('source_opened', { rank: 1 });
    await flush();
    expect(client).not.toHaveBeenCalled();
    ready();
    await flush();
    expect(sent.map((s) => (s as { event: string }).event)).toEqual(['page_view', 'source_opened']);
  });
});
