import { expect, test } from '../fixtures/test.ts';

test('the status pill names the answer path of the real server', async ({ fastPage: page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto('/');
  await expect(page).toHaveTitle('Bastion');
  const pill = page.getByTestId('status-pill');
  await expect(pill).toHaveAttribute('data-state', 'primary');
  await expect(pill).toHaveText(/Primary model/);
  expect(errors).toEqual([]);
});

test('the pill shows offline when the status API fails', async ({ fastPage: page }) => {
  await page.route('**/api/**', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto('/');
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'offline');
});

test('a question that cannot reach the server turns the pill offline at once, not at the next poll', async ({
  fastPage: page,
}) => {
  await page.goto('/');
  const pill = page.getByTestId('status-pill');
  await expect(pill).toHaveAttribute('data-state', 'primary');
  // The server goes away; the pill's next poll of a healthy server would be 30 s later.
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.getByTestId('assistant-input').fill('Are you there?');
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByRole('log')).toContainText('Cannot reach the Bastion server');
  await expect(pill).toHaveAttribute('data-state', 'offline', { timeout: 10_000 });
});
