import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEdge } from '../fixtures/nginx.ts';
import { expect, launchTrusting, test } from '../fixtures/nginx-test.ts';
import { fetchRaw } from '../fixtures/tls.ts';

// A chunk the page imports lazily (`import()`) cannot carry an integrity attribute; index.html's
// import map gives every chunk its sha384, so an altered lazy chunk is refused like the entry.

test('the import map gives every emitted chunk its integrity', async ({ edge }) => {
  const html = (await fetchRaw(`${edge.origin}/`, { ca: edge.ca.caPem })).body;
  const map = /<script type="importmap">([^<]+)<\/script>/.exec(html)?.[1];
  expect(map).toBeDefined();
  const integrity = (JSON.parse(map as string) as { integrity: Record<string, string> }).integrity;
  const chunks = Object.keys(integrity);
  // The entry and the lazy ones: the typed client and the Markdown lexer at least.
  expect(chunks.some((c) => /^\/assets\/client-[\w-]+\.js$/.test(c))).toBe(true);
  expect(chunks.some((c) => /^\/assets\/marked[\w.-]*\.js$/.test(c))).toBe(true);
  for (const [url, value] of Object.entries(integrity)) {
    expect(value, url).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
  }
});

// The app itself (boot-*.js, imported by the entry once the static first screen is painted) and
// the typed client (client-*.js, imported at the reader's first key).
for (const { chunk, name, app } of [
  { chunk: /^boot-.*\.js$/, name: 'the app, loaded after the first paint', app: false },
  { chunk: /^client-.*\.js$/, name: 'the typed client, loaded at the first key', app: true },
]) {
  test(`SRI: a lazily imported chunk altered after the build is refused by Chromium (${name})`, async () => {
    test.setTimeout(120_000); // its own edge and server, on a busy machine
    const edge = await startEdge();
    const browser = await launchTrusting(edge);
    try {
      const file = readdirSync(join(edge.root, 'assets')).find((f) => chunk.test(f));
      expect(file).toBeDefined();
      appendFileSync(join(edge.root, 'assets', file as string), '\nconsole.log("tampered");\n');
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (msg) => logs.push(`${msg.type()}: ${msg.text()}`));
      page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
      await page.goto(`${edge.origin}/`);
      // The app's own status pill (the static screen's has no test id) shows it took over.
      if (app) await expect(page.getByTestId('status-pill')).toBeVisible();
      // The reader's first key press loads the typed client.
      await page.locator('#assistant-input').press('a');
      await expect.poll(() => logs.join('\n')).toMatch(/integrity/i);
      await page.waitForTimeout(500);
      expect(logs.join('\n')).not.toContain('tampered');
      // Without its app, the page stays the static first screen.
      if (!app) await expect(page.getByTestId('status-pill')).toHaveCount(0);
    } finally {
      await browser.close();
      await edge.stop();
    }
  });
}
