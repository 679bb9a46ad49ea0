/**
 * What each engine must show: the page runs (loader → entry → lazily imported chunks under
 * 'strict-dynamic'), its stylesheet applies, a question streams a Markdown answer, and no CSP
 * violation is reported. Engines are driven through `Driver`, so Firefox (puppeteer-core over
 * WebDriver BiDi) and WebKitGTK (classic WebDriver) share one check.
 */
export interface Driver {
  goto: (url: string) => Promise<void>;
  /** Runs a function body in the page and returns its (JSON) result. */
  evaluate: <T>(body: string) => Promise<T>;
  /** Types into the question box and sends it with Enter, as a person would. */
  ask: (question: string) => Promise<void>;
}

export const SMOKE_ANSWER = ['## Smoke', '', 'It **streams** in every engine.'];

// Installed before anything else where the driver can (Firefox); else right after load, which
// still covers the lazily loaded chunks, the stylesheet-dependent UI and the streamed answer.
export const LISTEN_FOR_VIOLATIONS = `
  window.__cspViolations = window.__cspViolations || [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
  });`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  driver: Driver,
  body: string,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await driver.evaluate<T>(body);
    if (last) return last;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export interface SmokeResult {
  violations: string[];
  servedBy: string;
  heading: string;
  strong: string;
  pillState: string;
}

export async function smoke(driver: Driver, origin: string): Promise<SmokeResult> {
  await driver.goto(`${origin}/`);
  await driver.evaluate(LISTEN_FOR_VIOLATIONS);
  const pillState = await until<string>(
    driver,
    `const p = document.querySelector('[data-testid="status-pill"]');
     return p && p.dataset.state !== 'checking' ? p.dataset.state : '';`,
    'the status pill',
  );
  // The stylesheet applied (an inline <style> the CSP allows by its hash): the pill is a rounded box.
  const styled = await driver.evaluate<boolean>(
    `return getComputedStyle(document.querySelector('[data-testid="status-pill"]')).borderTopLeftRadius !== '0px';`,
  );
  if (!styled) throw new Error('the stylesheet did not apply');
  await driver.ask('How does Bastion protect against prompt injection?');
  const answer = await until<{ heading: string; strong: string; servedBy: string }>(
    driver,
    `const a = document.querySelector('.message-assistant');
     const done = [...document.querySelectorAll('[role="status"]')].some((s) => s.textContent.includes('Response complete'));
     if (!a || !done) return null;
     return {
       heading: a.querySelector('.markdown h3')?.textContent ?? '',
       strong: a.querySelector('.markdown strong')?.textContent ?? '',
       servedBy: a.querySelector('[data-testid="served-by"]')?.dataset.servedBy ?? '',
     };`,
    'the streamed answer',
  );
  const violations = await driver.evaluate<string[]>('return window.__cspViolations;');
  return { ...answer, violations, pillState };
}
