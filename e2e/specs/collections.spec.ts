import { createBastionClient } from '@bastion/api/client';
import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expect, test } from '../fixtures/test.ts';

const ADMIN_KEY = 'e2e-collections-admin-key-0123456789'; // secret-scan: allow (this spec's server)

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startOwnServer({
    DISABLE_PRIMARY: '1',
    ADMIN_API_KEYS: `ops:${ADMIN_KEY}`,
    PUBLIC_CHAT: '1',
  });
  const admin = createBastionClient({ url: server.origin, apiKey: ADMIN_KEY });
  await admin.rag.ingest.mutate({
    collection: 'handbook',
    documents: [
      {
        path: 'handbook/holidays.md',
        title: 'Holidays',
        content: '# Holidays\n\nEvery team member has thirty days of paid holiday a year.',
      },
    ],
  });
});
test.afterAll(() => server?.stop());

test('the collection picker lists what rag.collections returns and the question goes to the chosen one', async ({
  fastPage: page,
}) => {
  const started: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('chat.start')) started.push(r.postData() ?? '');
  });
  await page.goto(`${server.origin}/`);
  const input = page.getByTestId('assistant-input');
  const picker = page.getByTestId('collection-picker');
  await expect(picker.locator('option')).toContainText(['Default collection', 'handbook']);
  await picker.selectOption('handbook');
  await input.fill('How many days of holiday do we get?');
  await input.press('Enter');
  await expect(page.getByTestId('assistant-output')).toContainText('thirty days');
  expect(started.join()).toContain('"collection":"handbook"');
  // The choice is kept with the conversations, in this browser only.
  await page.reload();
  await expect(page.getByTestId('collection-picker')).toHaveValue('handbook');
});

test('the picker shows on an untouched page, without the typed client and without moving the question box', async ({
  fastPage: page,
}) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await page.addInitScript(() => {
    // Layout shifts that move something in the conversation (the picker's part of the page).
    const w = window as { shifts?: number };
    w.shifts = 0;
    type Source = {
      node: Node | null;
      previousRect: DOMRectReadOnly;
      currentRect: DOMRectReadOnly;
    };
    type Shift = { value: number; hadRecentInput: boolean; sources: Source[] };
    const moved = (s: Source) =>
      Boolean(s.node && document.querySelector('main')?.contains(s.node)) &&
      JSON.stringify(s.previousRect) !== JSON.stringify(s.currentRect);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as Shift[])
        if (!e.hadRecentInput && e.sources.some(moved)) w.shifts = (w.shifts ?? 0) + e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  // The list arrives after the question box is drawn, as it may on a slow network.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/trpc/rag.collections*', async (route) => {
    await held;
    await route.fallback();
  });
  await page.goto(`${server.origin}/`);
  // The app's own question box (the static first screen's has no test id).
  await expect(page.getByTestId('assistant-send')).toBeAttached();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const box = () =>
    page.evaluate(() =>
      ['#assistant-input', '.composer button', '.empty-state'].map((s) => {
        const r = document.querySelector(s)?.getBoundingClientRect();
        return r && [r.x, r.y, r.width].map(Math.round);
      }),
    );
  const before = await box();
  expect(await page.evaluate(() => (window as { shifts?: number }).shifts)).toBe(0);
  release();
  // No pointer or key event: the page shows the picker by itself.
  const picker = page.getByTestId('collection-picker');
  await expect(picker.locator('option')).toContainText(['Default collection', 'handbook']);
  await expect(picker).toBeVisible();
  expect(await box()).toEqual(before);
  expect(await page.evaluate(() => (window as { shifts?: number }).shifts)).toBe(0);
  // The typed client stays lazy: an untouched page never loads it.
  expect(scripts.filter((s) => /\/client-[^/]*\.js$/.test(s))).toEqual([]);
});
