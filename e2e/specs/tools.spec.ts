import { type OwnServer, startOwnServer } from '../fixtures/own-server.ts';
import { expect, test } from '../fixtures/test.ts';

const ADMIN_SECRET = 'e2e-tools-admin-secret-0123456789';

// This spec runs its own server: an admin key, tools on, and a repository it can run a script in.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let origin: string;

test.beforeAll(async () => {
  server = await startOwnServer(
    {
      DISABLE_PRIMARY: '1',
      ADMIN_API_KEYS: `e2e-admin:${ADMIN_SECRET}`,
      ALLOW_TOOLS: '1',
      ALLOW_SCRIPTS: 'scripts/hello.sh',
    },
    { 'scripts/hello.sh': 'echo "hello from e2e"\n' },
  );
  origin = server.origin;
});

test.afterAll(() => server?.stop());

test('an admin lists, dry-runs and runs tools from the lazily loaded panel', async ({
  fastPage: page,
}) => {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const scripts: string[] = [];
  page.on('request', (req) => {
    if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
  });

  await page.goto(`${origin}/`);
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', 'extractive');
  expect(scripts.some((s) => s.includes('ToolsPanel'))).toBe(false);

  await page.getByText('Admin tools').click();
  await page.getByTestId('tools-api-key').fill(ADMIN_SECRET);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('radio')).toHaveCount(5);
  expect(scripts.some((s) => s.includes('ToolsPanel'))).toBe(true);

  await page.getByRole('radio', { name: /^read_file/ }).check();
  await page.getByTestId('tools-args').fill('{"path":"README.md"}');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('tools-output')).toContainText('# Sample');

  await page.getByRole('radio', { name: /^run_script/ }).check();
  await page.getByTestId('tools-args').fill('{"script":"scripts/hello.sh"}');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await expect(page.getByTestId('tools-output')).toContainText('"dryRun": true');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('tools-output')).toContainText('hello from e2e');
  // No CSP violation or script error so far (the refusal below logs its HTTP 403 by design).
  expect(problems).toEqual([]);

  await page.getByTestId('tools-args').fill('{"script":"../outside.sh"}');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('tools-error')).toHaveAttribute('data-reason', 'path_outside_root');

  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(stored).not.toContain(ADMIN_SECRET);
});

test('a wrong key gets the refusal reason, not the tools', async ({ fastPage: page }) => {
  await page.goto(`${origin}/`);
  await page.getByText('Admin tools').click();
  await page.getByTestId('tools-api-key').fill('not-an-admin-key-0123456789');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('tools-error')).toHaveAttribute('data-reason', 'invalid_api_key');
  await expect(page.getByRole('radio')).toHaveCount(0);
});
