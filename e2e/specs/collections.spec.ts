import { createBastionClient } from '@bastion/api/client';
import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expect, test } from '../fixtures/test.ts';

const ADMIN_KEY = 'e2e-collections-admin-key-0123456789'; // secret-scan: allow (this spec's server)

let server: OwnServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  server = await startOwnServer({
    DISABLE_PRIMARY: '1',
    ADMIN_API_KEYS: `ops:${ADMIN_KEY}`,
    PUBLIC_CHAT: '1',
  });
  const admin = createBastionClient({ url: server.origin, apiKey: ADMIN_KEY });
  await admin.rag.ingest.mutate({
    collection: 'handbook',
    documents: [
      {
        path: 'handbook/holidays.md',
        title: 'Holidays',
        content: '# Holidays\n\nEvery team member has thirty days of paid holiday a year.',
      },
    ],
  });
});
test.afterAll(() => server?.stop());

test('the collection picker lists what rag.collections returns and the question goes to the chosen one', async ({
  fastPage: page,
}) => {
  const started: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('chat.start')) started.push(r.postData() ?? '');
  });
  await page.goto(`${server.origin}/`);
  const input = page.getByTestId('assistant-input');
  // The picker arrives with the typed client, at the reader's first intent.
  await input.press('Space');
  const picker = page.getByTestId('collection-picker');
  await expect(picker.locator('option')).toContainText(['Default collection', 'handbook']);
  await picker.selectOption('handbook');
  await input.fill('How many days of holiday do we get?');
  await input.press('Enter');
  await expect(page.getByTestId('assistant-output')).toContainText('thirty days');
  expect(started.join()).toContain('"collection":"handbook"');
  // The choice is kept with the conversations, in this browser only.
  await page.reload();
  await page.getByTestId('assistant-input').press('Space');
  await expect(page.getByTestId('collection-picker')).toHaveValue('handbook');
});
