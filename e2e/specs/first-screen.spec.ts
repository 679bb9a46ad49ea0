import type { Browser, Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.ts';

// index.html paints the first screen before any script runs; the app then replaces it. Nothing a
// reader sees may move or change size when that happens (no layout shift, a stable LCP element).
const STABLE = [
  '.brand',
  '.status-pill',
  '.theme-toggle',
  '#empty-title',
  '.intro',
  '.kb-summary',
  '#assistant-input',
  '.composer button',
];

async function boxes(page: Page) {
  return page.evaluate(
    (selectors) =>
      selectors.map((s) => {
        const r = document.querySelector(s)?.getBoundingClientRect();
        return { s, box: r ? [r.x, r.y, r.width, r.height].map(Math.round) : null };
      }),
    STABLE,
  );
}

async function firstScreen(browser: Browser, javaScriptEnabled: boolean, mobile: boolean) {
  const context = await browser.newContext({
    javaScriptEnabled,
    viewport: mobile ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    isMobile: mobile,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  // The summary never answers: the app's first screen is the one it paints before it arrives.
  await page.route('**/api/status/summary', () => undefined);
  await page.goto('/');
  if (javaScriptEnabled) await expect(page.getByTestId('empty-state')).toBeVisible();
  const result = { boxes: await boxes(page), text: await page.locator('#root').innerText() };
  await context.close();
  return result;
}

for (const mobile of [false, true]) {
  test(`the static first screen is where the app draws its own (${mobile ? 'mobile' : 'desktop'})`, async ({
    browser,
  }) => {
    const still = await firstScreen(browser, false, mobile);
    const live = await firstScreen(browser, true, mobile);
    for (const { s, box } of still.boxes) expect(box, s).not.toBeNull();
    expect(live.boxes).toEqual(still.boxes);
    expect(still.text).toContain('Ask the knowledge base');
  });
}

test('text typed into the static question box before the app takes over is kept', async ({
  fastPage: page,
}) => {
  await page.route('**/assets/*.js', async (route) => {
    // Hold the scripts back until the static box has been typed into.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fallback();
  });
  await page.goto('/', { waitUntil: 'commit' });
  await page.locator('#assistant-input').pressSequentially('Early question', { delay: 0 });
  await expect(page.getByTestId('assistant-input')).toHaveValue('Early question');
  await expect(page.getByTestId('assistant-send')).toBeEnabled();
});
