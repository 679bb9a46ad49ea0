import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expectKeyOnlyInCookieSession, signInWithKey } from '../fixtures/sign-in.ts';
import { expect, test } from '../fixtures/test.ts';

const KEY = 'e2e-public-chat-key-0123456789'; // secret-scan: allow (a test key of this spec's server)

// A keyed server that opens chat to anonymous visitors of the page (PUBLIC_CHAT=1): signing in
// is an option, not a gate.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startOwnServer({ API_KEYS: `web:${KEY}`, PUBLIC_CHAT: '1', DISABLE_PRIMARY: '1' });
});
test.afterAll(() => server?.stop());

test('a guest chats without a key, may sign in for the key’s access, and signs out to guest again', async ({
  fastPage: page,
}) => {
  await page.goto(`${server.origin}/`);
  const pill = page.getByTestId('status-pill');
  await expect(pill).toHaveAttribute('data-state', 'guest');
  // The empty state, not the sign-in form: a guest may ask at once.
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('starter-question').first()).toBeVisible();
  await expect(page.getByTestId('kb-summary')).toContainText('As a guest');
  await expect(page.getByTestId('signin-key')).toHaveCount(0);

  await page
    .getByTestId('assistant-input')
    .fill('How does Bastion protect against prompt injection?');
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');

  // Signing in is offered, and optional.
  const open = page.getByTestId('signin-open');
  await open.click();
  await expect(page.getByTestId('signin-key')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('signin-key')).toHaveCount(0);
  await expect(open).toBeFocused();

  await open.click();
  await signInWithKey(page, KEY);
  await expect(open).toHaveCount(0);
  // Signed in, the page may read the summary: the pill names the answer path.
  await expect(pill).toHaveAttribute('data-state', 'extractive');
  await expectKeyOnlyInCookieSession(page, server.origin, KEY);

  await page.getByTestId('signout').click();
  await expect(pill).toHaveAttribute('data-state', 'guest');
  await expect(page.getByTestId('signin-open')).toBeVisible();
  await expect(page.getByTestId('signout')).toHaveCount(0);
});

test('the starter questions name documents of the knowledge base once it may be listed', async ({
  fastPage: page,
}) => {
  await page.goto(`${server.origin}/`);
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-key').fill(KEY);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signout')).toBeVisible();
  await expect(page.getByTestId('kb-summary')).toContainText(/holds \d+ documents?/);
  // Questions about the demo knowledge base's own documents, not the fixed fallback ones.
  await expect(page.getByTestId('starter-question').first()).toHaveText(/^What does “.+” cover\?$/);
  await page.getByTestId('starter-question').first().click();
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');
  await page.getByTestId('signout').click();
});

test('a guest rates an answer and its page analytics are accepted', async ({ fastPage: page }) => {
  const statuses: Record<string, number[]> = {};
  page.on('response', (r) => {
    const procedure = /\/api\/trpc\/([^?]+)/.exec(r.url())?.[1];
    for (const name of procedure?.split(',') ?? []) {
      if (name.startsWith('feedback.') || name.startsWith('analytics.')) {
        statuses[name] = [...(statuses[name] ?? []), r.status()];
      }
    }
  });
  await page.goto(`${server.origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'guest');
  await page
    .getByTestId('assistant-input')
    .fill('How does Bastion protect against prompt injection?');
  await page.getByTestId('assistant-input').press('Enter');
  await expect(page.getByTestId('served-by')).toHaveAttribute('data-served-by', 'extractive');

  await page.getByTestId('feedback-down').click();
  await expect(page.getByText('Thanks for the feedback.')).toBeVisible();
  await page.getByTestId('feedback-note').fill('Too long');
  await page.getByTestId('feedback-note').press('Enter');
  await expect(page.getByText('Note sent. Thank you.')).toBeVisible();
  await expect.poll(() => statuses['analytics.track']?.length ?? 0).toBeGreaterThan(0);
  expect(statuses['feedback.submit']).toEqual([200, 200]);
  expect(new Set(statuses['analytics.track'])).toEqual(new Set([200]));
});
