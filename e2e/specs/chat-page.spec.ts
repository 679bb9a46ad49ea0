import { type ChatServer, startChatServer, tokens } from '../fixtures/fake-provider.ts';
import { expect, test } from '../fixtures/test.ts';

// This spec's own server and fake model: script, then ask, one test at a time.
test.describe.configure({ mode: 'serial' });

let chat: ChatServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  chat = await startChatServer();
});
test.afterAll(() => chat?.stop());

const GROUNDED_QUESTION = 'How does Bastion protect against prompt injection?';

const MARKDOWN = [
  '## Guardrails',
  '',
  'Bastion checks **every question** and *each passage* [1].',
  '',
  '1. Detect injections',
  '2. Redact secrets',
  '',
  '| layer | where |',
  '|---|:---:|',
  '| input | server |',
  '',
  '```ts',
  'const safe = check(question);',
  '```',
  '',
  'See [the docs](https://example.com/docs) or [this](javascript:alert(1)).',
  '',
  '<img src=x onerror="window.pwned=1"> <b>not bold</b>',
].join('\n');

async function ask(page: import('@playwright/test').Page, question: string) {
  await page.getByTestId('assistant-input').fill(question);
  await page.getByTestId('assistant-input').press('Enter');
}

test('a streamed Markdown answer renders as elements, never as raw markers', async ({
  fastPage: page,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  chat.script([{ tokens: tokens(MARKDOWN), tokenDelayMs: 5 }]);
  await page.goto(`${chat.origin}/`);
  await ask(page, GROUNDED_QUESTION);
  await expect(page.getByRole('status').filter({ hasText: 'Response complete' })).toBeAttached();
  const answer = page.locator('.message-assistant .markdown').last();
  await expect(answer.locator('h3')).toHaveText('Guardrails');
  await expect(answer.locator('strong')).toHaveText('every question');
  await expect(answer.locator('ol > li')).toHaveCount(2);
  await expect(answer.locator('table td')).toHaveText(['input', 'server']);
  await expect(answer.locator('.code-lang')).toHaveText('ts');
  await expect(answer.locator('pre code')).toHaveText('const safe = check(question);');
  await expect(answer.locator('.code-copy')).toBeVisible();
  const link = answer.getByRole('link', { name: 'the docs' });
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(answer.locator('a[href^="javascript:"]')).toHaveCount(0);
  // Raw HTML from the model is text, not elements.
  await expect(answer.locator('img, b')).toHaveCount(0);
  await expect(answer).toContainText('<b>not bold</b>');
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  const text = (await answer.textContent()) ?? '';
  expect(text).not.toMatch(/\*\*|^##|```|\|---/m);
  expect(await page.locator('[style]').count()).toBe(0);
  expect(violations).toEqual([]);
});

test('a [n] marker opens the sources popover at its source', async ({ fastPage: page }) => {
  chat.script([{ tokens: tokens('Injections are detected and refused [1].'), tokenDelayMs: 5 }]);
  await page.goto(`${chat.origin}/`);
  await ask(page, GROUNDED_QUESTION);
  const marker = page.locator('.message-assistant a.citation').first();
  await expect(marker).toBeVisible();
  await marker.click();
  const popover = page.getByTestId('assistant-sources-popover');
  await expect(popover).toBeVisible();
  const target = popover.locator('li').first();
  await expect(target).toBeFocused();
  await expect(target.locator('.source-path')).not.toBeEmpty();
  await expect(target.locator('.source-snippet').first()).not.toBeEmpty();
  // Each document appears once however many of its passages were retrieved.
  const paths = await popover.locator('.source-path').allTextContents();
  expect(new Set(paths).size).toBe(paths.length);
});

test('the chat survives a reload and regenerate gives exactly one new answer', async ({
  fastPage: page,
}) => {
  chat.script([
    { tokens: ['First ', 'answer.'], tokenDelayMs: 5 },
    { tokens: ['Second ', 'answer.'], tokenDelayMs: 5 },
  ]);
  await page.goto(`${chat.origin}/`);
  await ask(page, 'Remember me across a reload');
  await expect(page.getByTestId('assistant-output')).toHaveText('First answer.');
  await page.reload();
  await expect(page.getByRole('log')).toContainText('Remember me across a reload');
  await expect(page.getByRole('log')).toContainText('First answer.');
  await expect(page.getByTestId('conversation-item').first()).toHaveText(
    'Remember me across a reload',
  );
  await page.getByTestId('message-regenerate').click();
  await expect(page.getByTestId('assistant-output')).toHaveText('Second answer.');
  await expect(page.locator('.message-assistant')).toHaveCount(1);
  await expect(page.getByRole('log')).not.toContainText('First answer.');
});

test('edit-and-resend, new chat, rename, delete and export work from the keyboard and mouse', async ({
  fastPage: page,
}) => {
  chat.script([
    { tokens: ['Answer ', 'one.'], tokenDelayMs: 5 },
    { tokens: ['Answer ', 'edited.'], tokenDelayMs: 5 },
    { tokens: ['Answer ', 'two.'], tokenDelayMs: 5 },
  ]);
  await page.goto(`${chat.origin}/`);
  await page.getByTestId('conversation-new').click();
  await expect(page.getByTestId('assistant-input')).toBeFocused();
  await ask(page, 'Original question');
  await expect(page.getByTestId('assistant-output')).toHaveText('Answer one.');
  await page.getByTestId('message-edit').click();
  const editor = page.getByRole('textbox', { name: 'Edit your question' });
  await editor.fill('Edited question');
  await editor.press('Enter');
  await expect(page.getByTestId('assistant-output')).toHaveText('Answer edited.');
  await expect(page.getByRole('log')).not.toContainText('Original question');
  await expect(page.locator('.message')).toHaveCount(2);

  await page.getByTestId('conversation-new').click();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await ask(page, 'Second chat');
  await expect(page.getByTestId('assistant-output')).toHaveText('Answer two.');
  const items = page.getByTestId('conversation-item');
  await expect(items.first()).toHaveText('Second chat');

  await page.getByRole('button', { name: 'Rename “Second chat”' }).click();
  const title = page.getByTestId('conversation-title');
  await title.fill('Renamed chat');
  await title.press('Enter');
  await expect(items.first()).toHaveText('Renamed chat');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export “Renamed chat” as Markdown' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Renamed chat.md');
  const markdown = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(markdown).toString('utf8')).toContain('> Second chat');

  await page.getByRole('button', { name: 'Delete “Renamed chat”' }).click();
  await expect(page.getByText('Renamed chat')).toHaveCount(0);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('conversation-clear').click();
  await expect(page.getByTestId('conversation-item')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('conversation-item')).toHaveCount(0);
});

test('the empty state says what the knowledge base holds and offers starter questions', async ({
  fastPage: page,
}) => {
  chat.script([{ tokens: ['Started.'], tokenDelayMs: 5 }]);
  await page.goto(`${chat.origin}/`);
  await expect(page.getByTestId('kb-summary')).toContainText(
    /holds \d+ documents? \(\d+ passages?\) in \d+ collections?/,
  );
  const starters = page.getByTestId('starter-question');
  await expect(starters.first()).toBeVisible();
  await starters.first().click();
  await expect(page.getByTestId('assistant-output')).toHaveText('Started.');
});

test('feedback 👍 with a note reaches the server', async ({ fastPage: page }) => {
  chat.script([{ tokens: ['Rated.'], tokenDelayMs: 5 }]);
  const submitted: unknown[] = [];
  page.on('request', (r) => {
    if (r.url().includes('feedback.submit')) submitted.push(r.postDataJSON());
  });
  await page.goto(`${chat.origin}/`);
  await ask(page, 'Rate this');
  await expect(page.getByTestId('assistant-output')).toHaveText('Rated.');
  await page.getByTestId('feedback-up').click();
  await expect(page.getByTestId('feedback-up')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText('Thanks for the feedback.')).toBeVisible();
  await page.getByTestId('feedback-note').fill('Clear and short');
  await page.getByTestId('feedback-note').press('Enter');
  await expect(page.getByText('Note sent. Thank you.')).toBeVisible();
  expect(JSON.stringify(submitted)).toContain('Clear and short');
});

test('the page follows new text, but not after the reader scrolled up', async ({
  fastPage: page,
}) => {
  await page.setViewportSize({ width: 800, height: 500 });
  const long = Array.from({ length: 120 }, (_, i) => `Line ${i}.\n\n`).join('');
  chat.script([{ tokens: tokens(long, 6), tokenDelayMs: 8 }]);
  await page.goto(`${chat.origin}/`);
  await page.getByTestId('conversation-new').click();
  await ask(page, 'Tell me a long story');
  const scroller = page.locator('.transcript-scroller');
  await expect(page.getByTestId('assistant-output')).toContainText('Line 30.');
  const gap = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  expect(await gap()).toBeLessThan(60);
  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(page.getByTestId('assistant-output')).toContainText('Line 80.');
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(0);
  await expect(page.getByRole('button', { name: /Jump to the newest/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('assistant-send')).toBeVisible();
  // The composer never left the viewport.
  await expect(page.getByTestId('assistant-input')).toBeInViewport();
});

test('on a phone: one column, the composer in view, chats behind the menu, Esc closes it', async ({
  fastPage: page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${chat.origin}/`);
  await expect(page.getByTestId('assistant-input')).toBeInViewport();
  await expect(page.getByTestId('conversation-new')).toBeHidden();
  const menu = page.getByRole('button', { name: 'Chats' });
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('conversation-new')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('conversation-new')).toBeHidden();
  await expect(menu).toBeFocused();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});

test('the theme follows the system and the toggle overrides it, across reloads', async ({
  fastPage: page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${chat.origin}/`);
  const background = () =>
    page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const dark = await background();
  const toggle = page.getByTestId('theme-toggle');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const light = await background();
  expect(light).not.toBe(dark);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe(dark);
});

test('reloading mid-answer cancels the run at once and keeps the partial answer as stopped', async ({
  fastPage: page,
}) => {
  // A slow model: 80 tokens, 100 ms apart (8 s of answer).
  const words = Array.from({ length: 80 }, (_, i) => `word${i} `);
  chat.script([{ tokens: words, tokenDelayMs: 100 }]);
  await page.goto(`${chat.origin}/`);
  await ask(page, 'Tell me a long story');
  await expect(page.getByTestId('assistant-output')).toContainText('word3 ');

  const before = chat.requests().length;
  expect(before).toBeGreaterThan(0);
  const model = chat.requests().at(-1);
  const reloadedAt = Date.now();
  await page.reload();

  // The page's keepalive chat.cancel reaches the server, which closes the model's stream: not
  // after the 10 s grace a viewer has to come back, and long before the 8 s answer would end.
  await expect.poll(() => model?.abortedAt ?? null, { timeout: 5_000 }).not.toBeNull();
  expect((model?.abortedAt ?? Number.POSITIVE_INFINITY) - reloadedAt).toBeLessThan(2_000);
  expect(model?.finishedAt).toBeNull();

  // The reloaded page shows the partial answer as stopped, not as a failure.
  const answer = page.locator('.message-assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  await expect(answer).toContainText('word0 word1 word2');
  await expect(answer).toContainText('Stopped');
  await expect(page.getByRole('log')).not.toContainText('Cannot reach');
  await expect(page.getByTestId('message-retry')).toHaveCount(0);
  const saved = await page.evaluate(() => localStorage.getItem('bastion.conversations.v1'));
  expect(saved).not.toContain('"error"');
  expect(chat.requests().length).toBe(before);
});
