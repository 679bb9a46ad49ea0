import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expect, test } from '../fixtures/test.ts';

// One answer a minute: the second question meets the rate limit and its Retry-After.
let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startOwnServer({ RATE_LIMIT_CHAT: '1/min', DISABLE_PRIMARY: '1' });
});
test.afterAll(() => server?.stop());

test('a rate-limited answer offers Retry once the Retry-After countdown has run', async ({
  fastPage: page,
}) => {
  await page.goto(`${server.origin}/`);
  const input = page.getByTestId('assistant-input');
  await input.fill('How does Bastion protect against prompt injection?');
  await input.press('Enter');
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  await input.fill('And how are secrets redacted?');
  await input.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  await expect(alert).not.toContainText('Cannot reach');
  const retry = page.getByTestId('message-retry');
  await expect(retry).toBeDisabled();
  const seconds = async () =>
    Number(/Retry in (\d+) s/.exec((await retry.textContent()) ?? '')?.[1]);
  const first = await seconds();
  expect(first).toBeGreaterThan(1);
  expect(first).toBeLessThanOrEqual(60);
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first);
});
