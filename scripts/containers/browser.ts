// The container test's end-to-end chat: Debian's Chromium loads the page from the edge over TLS
// (trusting only the test certificate) and asks one question, as a visitor would.
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../e2e/fixtures/chromium.ts';
import { installFastUI } from '../../e2e/fixtures/test.ts';

export interface ChatCheck {
  url: string;
  /** SPKI hash of the edge certificate: the only one Chromium accepts. */
  spki: string;
  question: string;
  expectText: string;
  expectServedBy: string;
  /** A document the answer must cite (shown in the sources popover). */
  expectSource: string;
}

export async function chatThroughEdge(check: ChatCheck): Promise<void> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, `--ignore-certificate-errors-spki-list=${check.spki}`],
  });
  try {
    const page = await browser.newPage();
    await installFastUI(page);
    const response = await page.goto(check.url);
    if (response?.status() !== 200) throw new Error(`the page answered ${response?.status()}`);
    const input = page.getByTestId('assistant-input');
    await input.fill(check.question);
    await input.press('Enter');
    const output = page.getByTestId('assistant-output');
    // The sr-only mirror of the streamed text: attached, never visible.
    try {
      await output
        .filter({ hasText: check.expectText })
        .waitFor({ state: 'attached', timeout: 30_000 });
    } catch (error) {
      const log = await page
        .getByRole('log')
        .innerText()
        .catch(() => '(no transcript)');
      throw new Error(`${error instanceof Error ? error.message : error}\ntranscript: ${log}`);
    }
    const servedBy = await page.getByTestId('served-by').getAttribute('data-served-by');
    if (servedBy !== check.expectServedBy) {
      throw new Error(`served by ${servedBy}, expected ${check.expectServedBy}`);
    }
    await page.getByTestId('assistant-badge').click();
    const popover = page.getByTestId('assistant-sources-popover');
    await popover
      .filter({ hasText: check.expectSource })
      .waitFor({ state: 'attached', timeout: 5_000 });
  } finally {
    await browser.close();
  }
}
