import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { build, type Rolldown } from 'vite';
import { expect, test } from '../fixtures/test.ts';

// The page's own tracker (apps/web/src/analytics), bundled for the browser and served at a test
// path of the real server's origin, so its events meet the real server's origin check. It is the
// same module the page mounts; the harness only stands in for the page around it.
const webRoot = fileURLToPath(new URL('../../apps/web/', import.meta.url));
const HARNESS = `
import { createBastionClient } from '@bastion/api/client';
import { createTracker } from '${webRoot}src/analytics/tracker.ts';
const client = createBastionClient({ url: location.origin });
const tracker = createTracker({ client: async () => client });
tracker.track('page_view', { path: '/' });
tracker.track('question_asked', { chars: 27, history: 0 });
document.body.dataset.tracking = tracker.enabled ? 'on' : 'off';
`;

let script = '';

test.beforeAll(async () => {
  const output = (await build({
    configFile: false,
    root: webRoot,
    logLevel: 'silent',
    resolve: { conditions: ['browser'] },
    plugins: [
      {
        name: 'analytics-harness',
        resolveId: (id) => (id === 'virtual:harness' ? '\0harness' : null),
        load: (id) => (id === '\0harness' ? HARNESS : null),
      },
    ],
    build: {
      write: false,
      minify: false,
      rolldownOptions: { input: 'virtual:harness', output: { codeSplitting: false } },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const chunk = [output]
    .flat()
    .flatMap((o) => o.output)
    .find((o) => o.type === 'chunk');
  script = chunk && 'code' in chunk ? chunk.code : '';
  expect(script).toContain('analytics');
});

/** Serves the harness at `/__analytics-harness` of the server's origin. */
async function openHarness(page: Page) {
  await page.route('**/__analytics-harness', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><title>harness</title><script type="module" src="/__analytics-harness.js"></script>',
    }),
  );
  await page.route('**/__analytics-harness.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: script }),
  );
  await page.goto('/__analytics-harness');
  await expect(page.locator('body')).toHaveAttribute('data-tracking', /on|off/);
  // Events go out in the background: give them time to leave.
  await page.waitForTimeout(500);
}

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

test.describe('anonymous analytics in the browser', () => {
  test('events reach the server under a stored visitor ID when nothing opts out', async ({
    fastPage: page,
    request,
  }) => {
    const calls = trackCalls(page);
    await openHarness(page);
    await expect(page.locator('body')).toHaveAttribute('data-tracking', 'on');
    expect(calls.length).toBeGreaterThan(0);
    const visitorId = await page.evaluate(() => localStorage.getItem('bastion.visitorId'));
    expect(visitorId).toMatch(/^[0-9a-f-]{36}$/);
    const input = encodeURIComponent(JSON.stringify({ visitorId }));
    const exported = await request.get(`/api/trpc/analytics.export?input=${input}`);
    const { result } = (await exported.json()) as {
      result: { data: { events: { event: string }[] } };
    };
    expect(result.data.events.map((e) => e.event).sort()).toEqual(['page_view', 'question_asked']);
  });

  for (const [name, prefs] of [
    ['Do-Not-Track', { doNotTrack: '1' }],
    ['Global Privacy Control', { gpc: true }],
  ] as const) {
    test(`${name}: no event is sent and no ID is stored`, async ({ fastPage: page }) => {
      await preferences(page, prefs);
      const calls = trackCalls(page);
      await openHarness(page);
      await expect(page.locator('body')).toHaveAttribute('data-tracking', 'off');
      expect(calls).toEqual([]);
      expect(await page.evaluate(() => localStorage.getItem('bastion.visitorId'))).toBeNull();
    });
  }
});
