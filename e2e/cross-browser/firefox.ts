import puppeteer from 'puppeteer-core';
import { type Driver, LISTEN_FOR_VIOLATIONS, type SmokeResult, smoke } from './smoke-check.ts';

export const firefoxPath = '/usr/bin/firefox-esr';

/** Debian's Firefox ESR through puppeteer-core (WebDriver BiDi), headless. */
export async function smokeFirefox(origin: string): Promise<SmokeResult> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
  });
  try {
    const page = await browser.newPage();
    const consoleViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content-Security-Policy|Content Security Policy/i.test(m.text()))
        consoleViolations.push(m.text());
    });
    await page.evaluateOnNewDocument(LISTEN_FOR_VIOLATIONS);
    const driver: Driver = {
      goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
      evaluate: <T>(body: string) => page.evaluate(`(() => { ${body} })()`) as Promise<T>,
      ask: async (question) => {
        await page.locator('[data-testid="assistant-input"]').fill(question);
        await page.keyboard.press('Enter');
      },
    };
    const result = await smoke(driver, origin);
    return { ...result, violations: [...result.violations, ...consoleViolations] };
  } finally {
    await browser.close();
  }
}
