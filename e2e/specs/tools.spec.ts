import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '../../packages/api/src/testing/git-sandbox.ts';
import { expect, test } from '../fixtures/test.ts';

const serverMain = fileURLToPath(new URL('../../apps/server/src/main.ts', import.meta.url));
const ADMIN_SECRET = 'e2e-tools-admin-secret-0123456789';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForReady(origin: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    const ready = await fetch(`${origin}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become ready');
}

// This spec runs its own server: an admin key, tools on, and a repository it can run a script in.
test.describe.configure({ mode: 'serial' });

let server: ChildProcess;
let origin: string;

test.beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [serverMain], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bastion-e2e-tools-data-')),
      DISABLE_PRIMARY: '1',
      ADMIN_API_KEYS: `e2e-admin:${ADMIN_SECRET}`,
      REPO_ROOT: createSandbox({ 'scripts/hello.sh': 'echo "hello from e2e"\n' }).repo,
      ALLOW_TOOLS: '1',
      ALLOW_SCRIPTS: 'scripts/hello.sh',
    },
  });
  await waitForReady(origin, server);
});

test.afterAll(() => {
  server?.kill();
});

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
  await expect(page.getByTestId('status-pill')).toHaveAttribute('data-state', /ready|degraded/);
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
