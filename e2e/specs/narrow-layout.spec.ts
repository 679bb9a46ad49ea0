import type { Page } from '@playwright/test';
import { type ChatServer, startChatServer, tokens } from '../fixtures/fake-provider.ts';
import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expect, test } from '../fixtures/test.ts';

// Nothing on the page may make it wider than a phone's screen (320–390 px), in any state: every
// status pill label, signed in or out, a guest, long words, URLs, code and tables in messages.
test.describe.configure({ mode: 'serial' });

const KEY = 'e2e-narrow-layout-key-0123456789'; // secret-scan: allow (a test key of this spec's servers)
const WIDTHS = [320, 390];

let guestServer: OwnServer;
let keyedChat: ChatServer;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Both pill labels that overflowed: "Knowledge base only" (no model) and "Primary model".
  [guestServer, keyedChat] = await Promise.all([
    startOwnServer({ API_KEYS: `web:${KEY}`, PUBLIC_CHAT: '1', DISABLE_PRIMARY: '1' }),
    startChatServer({ API_KEYS: `web:${KEY}` }),
  ]);
});
test.afterAll(async () => {
  await Promise.all([guestServer?.stop(), keyedChat?.stop()]);
});

const LONG_WORD = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(3);
const LONG_URL = `https://example.com/${'very-long-path-segment/'.repeat(8)}end`;

const WIDE_MARKDOWN = [
  `Unbroken: ${LONG_WORD} and \`${'inline_code_without_spaces_'.repeat(4)}\``,
  '',
  `A link: <${LONG_URL}> [1].`,
  '',
  `| ${Array.from({ length: 8 }, (_, i) => `column ${i}`).join(' | ')} |`,
  `|${'---|'.repeat(8)}`,
  `| ${Array.from({ length: 8 }, () => 'a-rather-long-cell-value').join(' | ')} |`,
  '',
  '```ts',
  `const line = ${JSON.stringify('x'.repeat(160))};`,
  '```',
].join('\n');

/** The document is no wider than the viewport, and the transcript does not scroll sideways. */
async function expectFits(page: Page, state: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 844 });
    const measured = await page.evaluate(
      () =>
        new Promise<{ page: number; viewport: number; wider: string[] }>((resolve) =>
          requestAnimationFrame(() =>
            resolve({
              page: document.documentElement.scrollWidth,
              viewport: window.innerWidth,
              wider: [
                ...document.querySelectorAll<HTMLElement>(
                  '.app-header, .transcript-scroller, .composer',
                ),
              ]
                .filter((e) => e.scrollWidth > e.clientWidth)
                .map((e) => `${e.className} ${e.scrollWidth}>${e.clientWidth}`),
            }),
          ),
        ),
    );
    expect
      .soft(measured.page, `${state} at ${width} px: page width`)
      .toBeLessThanOrEqual(measured.viewport);
    expect.soft(measured.wider, `${state} at ${width} px: parts wider than their box`).toEqual([]);
  }
  // Whatever the state, the header's last control and the send button are on screen.
  await expect(page.getByTestId('assistant-input')).toBeInViewport();
}

async function ask(page: Page, question: string) {
  await page.getByTestId('assistant-input').fill(question);
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Response complete' })).toBeAttached();
}

test('a guest, then signed in, of a keyed server without a model fits a phone', async ({
  fastPage: page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${guestServer.origin}/`);
  const pill = page.getByTestId('status-pill');
  await expect(pill).toHaveAttribute('data-state', 'guest');
  await expect(page.getByTestId('signin-open')).toBeVisible();
  await expectFits(page, 'guest');

  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-key').fill(KEY);
  await page.getByTestId('signin-submit').click();
  await expect(pill).toHaveAttribute('data-state', 'extractive');
  await expect(page.getByTestId('signout')).toBeInViewport();
  await expectFits(page, 'signed in, "Knowledge base only"');

  await ask(page, `How does Bastion protect against prompt injection? ${LONG_WORD} ${LONG_URL}`);
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  await expectFits(page, 'signed in, an answer from the knowledge base');
  await expect(page.getByTestId('signout')).toBeInViewport();
  await expect(page.getByTestId('assistant-send')).toBeInViewport();
});

test('signed out, then signed in with a wide Markdown answer, a keyed server fits a phone', async ({
  fastPage: page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${keyedChat.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
  await expect(page.getByTestId('signin-key')).toBeVisible();
  await expectFits(page, 'signed out');

  await page.getByTestId('signin-key').fill(KEY);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'primary');
  await expectFits(page, 'signed in, "Primary model"');

  keyedChat.script([{ tokens: tokens(WIDE_MARKDOWN, 12), tokenDelayMs: 2 }]);
  await ask(page, 'How does Bastion protect against prompt injection?');
  const answer = page.locator('.message-assistant .markdown').last();
  await expect(answer.locator('table')).toBeVisible();
  await expect(answer.locator('pre code')).toBeVisible();
  await expectFits(page, 'a wide Markdown answer');
  // Code blocks and tables scroll inside themselves.
  for (const part of ['.code-block pre', '.table-wrap']) {
    const scrolls = await answer
      .locator(part)
      .evaluate((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto');
    expect(scrolls, `${part} scrolls sideways`).toBe(true);
  }
  await expect(page.getByTestId('signout')).toBeInViewport();
  await expect(page.getByTestId('assistant-send')).toBeInViewport();
});
