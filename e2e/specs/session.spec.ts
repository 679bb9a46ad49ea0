import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expectKeyOnlyInCookieSession, signInWithKey } from '../fixtures/sign-in.ts';
import { expect, test } from '../fixtures/test.ts';

const KEY = 'e2e-web-session-key-0123456789'; // secret-scan: allow (a test key of this spec's server)
const ADMIN_KEY = 'e2e-web-session-admin-key-0123456789'; // secret-scan: allow (a test key of this spec's server)

// A keyed deployment: every /api call needs a key, and the page signs in once for a cookie.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startOwnServer(
    { API_KEYS: `web:${KEY}`, ADMIN_API_KEYS: `ops:${ADMIN_KEY}`, DISABLE_PRIMARY: '1' },
    { 'README.md': '# Sample\n' },
  );
});
test.afterAll(() => server?.stop());

test('a keyed server asks to sign in (not "offline"), then answers over an HttpOnly SameSite=Strict cookie', async ({
  fastPage: page,
}) => {
  await page.goto(`${server.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
  await expect(page.getByTestId('status-pill')).not.toContainText('Offline');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await signInWithKey(page, KEY);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'extractive');
  await expect(page.getByTestId('empty-state')).toBeVisible();

  await page
    .getByTestId('assistant-input')
    .fill('How does Bastion protect against prompt injection?');
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  await expect(page.getByTestId('assistant-output')).not.toBeEmpty();

  await expectKeyOnlyInCookieSession(page, server.origin, KEY);
  await expect(page.getByTestId('signin-key')).toHaveCount(0);

  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
  await expect(page.getByTestId('signout')).toHaveCount(0);
});

test('a signed-out page offers sign-in instead of sending, and sends nothing the server would refuse', async ({
  fastPage: page,
}) => {
  const refused: string[] = [];
  const consoleErrors: string[] = [];
  const started: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 401) refused.push(new URL(r.url()).pathname);
  });
  page.on('request', (r) => {
    if (r.url().includes('chat.start')) started.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${server.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
  const input = page.getByTestId('assistant-input');
  await input.fill('Hello?');
  await input.press('Enter');
  // Not sent: the sign-in form takes the focus and the question waits in its box.
  await expect(page.getByTestId('signin-key')).toBeFocused();
  await expect(input).toHaveValue('Hello?');
  await expect(page.getByRole('log')).not.toContainText('API key is required');
  await expect(page.getByRole('log')).not.toContainText('Cannot reach');
  await expect(page.locator('.message')).toHaveCount(0);
  // The reader's intent loaded the client: analytics would go out now if they were going to.
  await page.waitForTimeout(1_000);
  expect(started).toEqual([]);
  expect(refused).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // Signing in there lets the same question be asked.
  await page.getByTestId('signin-key').fill(KEY);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signout')).toBeVisible();
  await input.press('Enter');
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  expect(refused).toEqual([]);
});

test('the page asks nothing that needs a key before signing in, and a reload shows it signed in without a gesture', async ({
  fastPage: page,
}) => {
  const unauthorized: string[] = [];
  const consoleErrors: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 401) unauthorized.push(new URL(r.url()).pathname);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(`${server.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
  await expect(page.getByTestId('signin-key')).toBeVisible();
  // The status summary and the documents list need a key: a signed-out page does not ask.
  await page.waitForTimeout(1_000);
  expect(unauthorized).toEqual([]);
  expect(consoleErrors).toEqual([]);

  await page.getByTestId('signin-key').fill(KEY);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signout')).toBeVisible();

  // No pointer or key event after the reload: the session is known from the first request.
  await page.reload();
  await expect(page.getByTestId('signout')).toBeVisible();
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'extractive');
  await expect(page.getByTestId('starter-question').first()).toHaveText(/^What does “.+” cover\?$/);
  expect(unauthorized).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'signed-out');
});

test('signed in on the page with an admin key, the admin tools open without the key again', async ({
  fastPage: page,
}) => {
  await page.goto(`${server.origin}/`);
  await page.getByTestId('signin-key').fill(ADMIN_KEY);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signout')).toBeVisible();
  await page.getByText('Admin tools').click();
  await expect(page.getByRole('radio', { name: /^read_file/ })).toBeVisible();
  await expect(page.getByTestId('tools-api-key')).toHaveCount(0);
  // Signing out of the page closes them.
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('signin-key')).toBeVisible();
  await expect(page.getByRole('radio')).toHaveCount(0);
});
