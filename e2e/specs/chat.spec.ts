import { type ChatServer, startChatServer } from '../fixtures/fake-provider.ts';
import { expect, test } from '../fixtures/test.ts';

// This spec's own server and fake model: the shared one answers other specs' questions too.
test.describe.configure({ mode: 'serial' });

let chat: ChatServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  chat = await startChatServer();
});
test.afterAll(() => chat?.stop());
const lastProviderRequest = () => chat.requests().at(-1)!;

test('a question streams an answer from the primary model into the page', async ({
  fastPage: page,
}) => {
  chat.script([
    { tokens: ['Bastion ', 'answers ', 'from ', 'its ', 'knowledge ', 'base.'], tokenDelayMs: 30 },
  ]);
  await page.goto(`${chat.origin}/`);
  const input = page.getByTestId('assistant-input');
  await input.fill('What is Bastion?');
  await input.press('Enter');
  await expect(page.getByTestId('assistant-output')).toHaveText(
    'Bastion answers from its knowledge base.',
  );
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'primary');
  await expect(page.getByRole('status').filter({ hasText: 'Response complete' })).toBeAttached();
  await expect(page.getByRole('log')).toContainText('What is Bastion?');
  await expect(page.getByTestId('assistant-send')).toBeVisible();
});

test('with no model reachable the page answers from the knowledge base', async ({
  fastPage: page,
}) => {
  chat.script([{ refuse: true }]);
  await page.goto(`${chat.origin}/`);
  await page
    .getByTestId('assistant-input')
    .fill('How does Bastion protect against prompt injection?');
  await page.getByTestId('assistant-send').click();
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  await expect(page.getByTestId('assistant-output')).toContainText('From the knowledge base');
  await expect(page.getByTestId('assistant-badge')).toBeVisible();
  await page.getByTestId('assistant-badge').click();
  await expect(page.getByTestId('assistant-sources-popover')).toBeVisible();
});

test('Stop (Esc) ends a streaming answer and the page can ask again', async ({
  fastPage: page,
}) => {
  chat.script([{ tokens: Array.from({ length: 300 }, (_, i) => `w${i} `), tokenDelayMs: 20 }]);
  await page.goto(`${chat.origin}/`);
  await page.getByTestId('assistant-input').fill('Tell me a long story');
  await page.getByTestId('assistant-send').click();
  await expect(page.getByTestId('assistant-output')).toContainText('w3 ');
  await expect(page.getByTestId('assistant-stop')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('assistant-send')).toBeVisible();
  await expect(page.getByText('Stopped')).toBeVisible();
  const partial = await page.getByTestId('assistant-output').textContent();
  expect(partial).not.toContain('w299');
  // The model's request was cut at once, not left running for the resume grace period.
  await expect.poll(() => lastProviderRequest().abortedAt, { timeout: 2_000 }).not.toBeNull();
  expect(lastProviderRequest().finishedAt).toBeNull();
});

test('closing the tab cancels the answer on the server at once', async ({ browser }) => {
  chat.script([{ tokens: Array.from({ length: 300 }, (_, i) => `w${i} `), tokenDelayMs: 20 }]);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${chat.origin}/`);
  await page.getByTestId('assistant-input').fill('Tell me a long story');
  await page.getByTestId('assistant-send').click();
  await expect(page.getByTestId('assistant-output')).toContainText('w3 ');
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => lastProviderRequest().abortedAt, { timeout: 2_000 }).not.toBeNull();
  await context.close();
});
