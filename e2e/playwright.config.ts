import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './fixtures/chromium.ts';
import { serverDataDir } from './fixtures/server-data.ts';

const port = Number(process.env.E2E_PORT ?? 8799);
const baseURL = `http://127.0.0.1:${port}`;
/** The fake OpenAI-compatible provider the server uses as its primary model. */
export const fakeProviderURL = `http://127.0.0.1:${port + 1}`;

export default defineConfig({
  testDir: './specs',
  timeout: 30_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  globalTeardown: './fixtures/server-data.ts',
  reporter: [['list'], ['json', { outputFile: '.reports/playwright.json' }]],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  projects: [{ name: 'chromium' }],
  webServer: [
    {
      command: `node ../packages/api/src/testing/fake-openai-main.ts ${port + 1}`,
      url: `${fakeProviderURL}/v1/models`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'node ../apps/server/src/main.ts',
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATA_DIR: serverDataDir,
        PRIMARY_BASE_URL: `${fakeProviderURL}/v1`,
        PRIMARY_MODEL: 'fake-model',
        // Every spec shares this server and address; the limits have their own tests.
        RATE_LIMIT_CHAT: 'off',
        RATE_LIMIT_API: 'off',
      },
    },
  ],
});
