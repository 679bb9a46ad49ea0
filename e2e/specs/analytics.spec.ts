import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.ts';

// The shared server and its fake provider serve every spec: one question at a time.
test.describe.configure({ mode: 'serial' });

/** What the browser says about tracking, set before any page script runs. */
async function preferences(page: Page, prefs: { doNotTrack?: string; gpc?: boolean }) {
  await page.addInitScript((p) => {
    if (p.doNotTrack !== undefined) {
      Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => p.doNotTrack });
    }
    if (p.gpc !== undefined) {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => p.gpc });
    }
  }, prefs);
}

/** Every analytics.track call leaving the page (batched or not). */
function trackCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => {
    if (/\/api\/trpc\/[^?]*analytics\.track/.test(request.url())) calls.push(request.url());
  });
  return calls;
}

/** Loads the page, asks one question and waits for the answer: every event the page would send. */
async function visitAndAsk(page: Page) {
  await page.goto('/');
  const input = page.getByTestId('assistant-input');
  await input.click();
  await input.fill('How do I configure the port?');
  await input.press('Enter');
  await expect(page.getByTestId('assistant-output')).not.toBeEmpty({ timeout: 20_000 });
  // Events go out in the background: give them time to leave.
  await page.waitForTimeout(1_000);
}

async function openPrivacy(page: Page) {
  await page.getByTestId('privacy-disclosure').locator('summary').click();
  await expect(page.getByTestId('privacy-panel')).toBeVisible();
}

test('the page sends events under a visitor ID, and its Privacy panel exports and erases them', async ({
  fastPage: page,
  request,
}) => {
  const calls = trackCalls(page);
  await visitAndAsk(page);
  expect(calls.length).toBeGreaterThan(0);
  const visitorId = await page.evaluate(() => localStorage.getItem('bastion.visitorId'));
  expect(visitorId).toMatch(/^[0-9a-f-]{36}$/);

  await openPrivacy(page);
  await expect(page.getByTestId('privacy-visitor-id')).toHaveText(visitorId!);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('privacy-export').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`bastion-data-${visitorId}.json`);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    visitorId: string;
    events: { event: string }[];
  };
  expect(exported.visitorId).toBe(visitorId);
  expect(new Set(exported.events.map((e) => e.event))).toEqual(
    new Set(['page_view', 'question_asked', 'answer_shown']),
  );

  await page.getByTestId('privacy-erase').click();
  await page.getByTestId('privacy-erase-confirm').click();
  await expect(page.getByTestId('privacy-message')).toContainText('Erased');
  await expect(page.getByTestId('privacy-no-id')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('bastion.visitorId'))).toBeNull();
  // The server holds nothing under that ID any more.
  const input = encodeURIComponent(JSON.stringify({ visitorId }));
  const after = await request.get(`/api/trpc/analytics.export?input=${input}`);
  const { result } = (await after.json()) as { result: { data: { events: unknown[] } } };
  expect(result.data.events).toEqual([]);
});

for (const [name, prefs] of [
  ['Do-Not-Track', { doNotTrack: '1' }],
  ['Global Privacy Control', { gpc: true }],
] as const) {
  test(`${name}: the page sends no event and stores no ID`, async ({ fastPage: page }) => {
    await preferences(page, prefs);
    const calls = trackCalls(page);
    await visitAndAsk(page);
    expect(calls).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('bastion.visitorId'))).toBeNull();
    await openPrivacy(page);
    await expect(page.getByTestId('privacy-opted-out')).toBeVisible();
  });
}
