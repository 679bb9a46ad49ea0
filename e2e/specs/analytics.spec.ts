import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.ts';

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

/** Every analytics.track call the page makes (batched or not), counted as the server sees them. */
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
  await page.getByTestId('assistant-input').fill('How do I configure the port?');
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByTestId('assistant-output')).not.toBeEmpty({ timeout: 15_000 });
  // Events go out in the background: give them time to leave.
  await page.waitForTimeout(500);
}

test.describe('anonymous analytics', () => {
  test('the page sends events and keeps a visitor ID when nothing opts out', async ({
    fastPage: page,
  }) => {
    const calls = trackCalls(page);
    await visitAndAsk(page);
    expect(calls.length).toBeGreaterThan(0);
    const id = await page.evaluate(() => localStorage.getItem('bastion.visitorId'));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  for (const [name, prefs] of [
    ['Do-Not-Track', { doNotTrack: '1' }],
    ['Global Privacy Control', { gpc: true }],
  ] as const) {
    test(`${name}: no event is sent and no ID is stored`, async ({ fastPage: page }) => {
      await preferences(page, prefs);
      const calls = trackCalls(page);
      await visitAndAsk(page);
      expect(calls).toEqual([]);
      expect(await page.evaluate(() => localStorage.getItem('bastion.visitorId'))).toBeNull();
    });
  }
});
