import { smokeFirefox } from '../cross-browser/firefox.ts';
import { SMOKE_ANSWER } from '../cross-browser/smoke-check.ts';
import { smokeWebKit } from '../cross-browser/webkit.ts';
import { type ChatServer, startChatServer, tokens } from '../fixtures/fake-provider.ts';
import { expect, test } from '../fixtures/test.ts';

// The page under its strict CSP in the two other engines; Chromium is every other spec's.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

let chat: ChatServer;
test.beforeAll(async () => {
  test.setTimeout(90_000);
  chat = await startChatServer();
});
test.afterAll(() => chat?.stop());

for (const [engine, run] of [
  ['Firefox ESR', smokeFirefox],
  ['WebKitGTK', smokeWebKit],
] as const) {
  test(`${engine}: the page loads with no CSP violation and streams a Markdown answer`, async () => {
    chat.script([{ tokens: tokens(SMOKE_ANSWER.join('\n')), tokenDelayMs: 5 }]);
    const result = await run(chat.origin);
    expect(result.violations).toEqual([]);
    expect(result.pillState).toBe('primary');
    expect(result.servedBy).toBe('primary');
    expect(result.heading).toBe('Smoke');
    expect(result.strong).toBe('streams');
  });
}
