// `npm run audit:web`: the chat page's quality bars (issue 15), on the production build behind the
// generated nginx edge (TLS, test CA), with the fake OpenAI provider as the primary model:
//  - first-load JavaScript (what index.html loads and its static imports) ≤ 30 KB gzip;
//  - axe-core: no violations in light and dark, desktop and mobile, empty and with an answer;
//  - Lighthouse (npm `lighthouse`, Debian's Chromium): 100 in performance, accessibility, best
//    practices and SEO, mobile and desktop presets;
//  - screenshots for the README under docs/screenshots (light, dark, mobile, Markdown + sources).
// Exits 1 when a bar is missed. Run `npm run build -w @bastion/web` first.
// `node scripts/audit-web.ts lighthouse [runs]`: Lighthouse only, each preset `runs` times (TBT
// varies run to run; every run must score 100), with each run's blocking time and longest tasks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../e2e/fixtures/chromium.ts';
import { startEdge } from '../e2e/fixtures/nginx.ts';
import { startFakeOpenAI } from '../packages/api/src/testing/fake-openai.ts';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'apps/web/dist');
const shots = join(root, 'docs/screenshots');
const JS_BUDGET_BYTES = 30 * 1024;
const failures: string[] = [];

/**
 * The JavaScript the first screen needs to work: index.html's scripts and module preloads and
 * their static imports (loaded before the first paint), then what the entry imports with
 * `import()` once the static screen is painted (the app that takes it over) and its static
 * imports. What the app itself imports lazily (panels, the typed client, the Markdown lexer)
 * is not counted.
 */
function firstLoadJs(): { gzipBytes: number; beforePaint: string[]; afterPaint: string[] } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const stages = { beforePaint: [] as string[], afterPaint: [] as string[] };
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => ({
    file: m[1] as string,
    stage: 'beforePaint' as keyof typeof stages,
  }));
  const seen = new Set<string>();
  let gzipBytes = 0;
  while (queue.length > 0) {
    const { file, stage } = queue.shift() as (typeof queue)[number];
    if (seen.has(file)) continue;
    seen.add(file);
    stages[stage].push(file);
    const code = readFileSync(join(dist, file));
    gzipBytes += gzipSync(code, { level: 9 }).length;
    const text = code.toString('utf8');
    // Static imports (`import … from "./x.js"`, `import "./x.js"`) load with their importer.
    for (const m of text.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) {
      queue.push({ file: `assets/${m[1]}`, stage });
    }
    // `import("./x.js")` in a script index.html loads: the app, once the first screen is painted.
    if (stage !== 'beforePaint') continue;
    for (const m of text.matchAll(/import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)) {
      queue.push({ file: `assets/${m[1]}`, stage: 'afterPaint' });
    }
  }
  return { gzipBytes, ...stages };
}

const ANSWER = [
  '## How Bastion keeps answers safe',
  '',
  'Every question and every retrieved passage is checked for **prompt injection** [1], and',
  'secrets are *redacted* from the answer while it streams [2].',
  '',
  '1. Injection checks on the question',
  '2. Flagged passages dropped from the prompt',
  '3. A canary that stops a leaking answer',
  '',
  '| layer | runs on |',
  '|---|---|',
  '| injection detection | question, passages |',
  '| secret redaction | the streamed answer |',
  '',
  '```ts',
  "const report = checkMessages(messages, { mode: 'enforce' });",
  '```',
].join('\n');

async function ask(page: Page, fakeUrl: string, question: string): Promise<void> {
  const tokens = ANSWER.match(/[\s\S]{1,4}/g) ?? [];
  await fetch(`${fakeUrl}/__fake/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: [{ tokens, tokenDelayMs: 2 }] }),
  });
  await page.getByTestId('assistant-input').fill(question);
  await page.getByTestId('assistant-input').press('Enter');
  await page
    .getByRole('status')
    .filter({ hasText: /Response (complete|failed)/ })
    .waitFor({ state: 'attached' });
  const failed = page.locator('.message-error');
  if ((await failed.count()) > 0) {
    throw new Error(`the answer failed: ${await failed.last().textContent()}`);
  }
  await page.getByTestId('message-copy').last().waitFor();
}

/** The README's screenshots: light, dark, mobile, and a Markdown answer with its sources open. */
const SHOTS = [
  'desktop-light-answer.png',
  'desktop-dark-answer.png',
  'mobile-light-empty.png',
  'mobile-dark-answer.png',
];

const VIEWPORTS = {
  desktop: { width: 1280, height: 1000, isMobile: false },
  mobile: { width: 390, height: 844, isMobile: true },
} as const;

async function axeAndShots(browser: Browser, origin: string, fakeUrl: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        colorScheme: scheme,
        reducedMotion: 'reduce',
        viewport: { width: viewport.width, height: viewport.height },
        isMobile: viewport.isMobile,
        hasTouch: viewport.isMobile,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const csp: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
      });
      await page.goto(`${origin}/`);
      await page.getByTestId('kb-summary').waitFor();
      await page
        .getByTestId('status-pill')
        .and(page.locator(':not([data-state="checking"])'))
        .waitFor();
      const label = `${scheme} ${name}`;
      const check = async (state: string) => {
        const result = await new AxeBuilder({ page }).analyze();
        for (const v of result.violations) {
          failures.push(
            `axe ${label} ${state}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help}`,
          );
        }
        console.log(
          `axe ${label} ${state}: ${result.violations.length} violations, ${result.passes.length} rules passed`,
        );
      };
      await check('empty');
      const shot = async (state: 'empty' | 'answer') => {
        const file = `${name}-${scheme}-${state}.png`;
        if (SHOTS.includes(file)) await page.screenshot({ path: join(shots, file) });
      };
      await shot('empty');
      await ask(page, fakeUrl, 'How does Bastion protect against prompt injection?');
      const badge = page.getByTestId('assistant-badge').last();
      if (await badge.isVisible()) await badge.click();
      await check('answer with sources open');
      // The answer from its question down, as a reader would scroll to it.
      await page
        .locator('.message-user')
        .last()
        .evaluate((el) => el.scrollIntoView());
      await shot('answer');
      if (csp.length > 0) failures.push(`CSP violations in ${label}: ${csp.join(' | ')}`);
      await context.close();
    }
  }
}

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

interface LighthouseReport {
  environment: { benchmarkIndex: number };
  categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] }>;
  audits: Record<
    string,
    {
      score: number | null;
      title: string;
      displayValue?: string;
      details?: { items?: Array<{ url?: string; duration?: number }> };
    }
  >;
}

function runLighthouse(url: string, preset: 'mobile' | 'desktop', out: string, cpu?: number) {
  // Lighthouse now and then loses its trace on a busy machine (NO_NAVSTART): one more try.
  for (let attempt = 1; ; attempt++) {
    try {
      return runLighthouseOnce(url, preset, out, cpu);
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

function runLighthouseOnce(url: string, preset: 'mobile' | 'desktop', out: string, cpu?: number) {
  const run = spawnSync(
    join(root, 'node_modules/.bin/lighthouse'),
    [
      url,
      '--quiet',
      '--output=json',
      `--output-path=${out}`,
      `--only-categories=${CATEGORIES.join(',')}`,
      ...(preset === 'desktop' ? ['--preset=desktop'] : []),
      ...(cpu ? [`--throttling.cpuSlowdownMultiplier=${cpu}`] : []),
      `--chrome-flags=${[...chromiumArgs.filter((a) => a !== '--headless'), '--headless=new', '--ignore-certificate-errors'].join(' ')}`,
    ],
    { env: { ...process.env, CHROME_PATH: chromiumPath }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`lighthouse ${preset} failed: ${run.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(out, 'utf8')) as LighthouseReport;
}

/**
 * Lighthouse's mobile preset slows the CPU 4× on the assumption of a fast host (benchmark index
 * ≈ 1500; its CPU-throttling calculator maps 1533 to 4×). On a slower or busy host (this 2-core
 * machine shared by parallel work scores 300–500) that overstates every task several times, so
 * the multiplier is scaled to the measured index, as Lighthouse's throttling guide advises, and
 * the uncalibrated figure is printed beside it.
 */
function calibratedCpu(benchmarkIndex: number, preset: 'mobile' | 'desktop'): number {
  const nominal = preset === 'mobile' ? 4 : 1;
  return Math.min(nominal, Math.max(1, Number(((nominal * benchmarkIndex) / 1533).toFixed(2))));
}

function lighthouse(url: string, preset: 'mobile' | 'desktop', outDir: string, run = 1): void {
  const scoresOf = (r: LighthouseReport) =>
    CATEGORIES.map((c) => `${c} ${Math.round((r.categories[c]?.score ?? 0) * 100)}`).join(', ');
  const raw = runLighthouse(url, preset, join(outDir, `lighthouse-${preset}-uncalibrated.json`));
  const cpu = calibratedCpu(raw.environment.benchmarkIndex, preset);
  console.log(
    `Lighthouse ${preset}, preset CPU slowdown (benchmark index ${Math.round(raw.environment.benchmarkIndex)}): ${scoresOf(raw)}`,
  );
  const out = join(
    outDir,
    run > 1 ? `lighthouse-${preset}-${run}.json` : `lighthouse-${preset}.json`,
  );
  const report = runLighthouse(url, preset, out, cpu);
  console.log(`Lighthouse ${preset}, CPU slowdown ${cpu}× for this host: ${scoresOf(report)}`);
  console.log(`  full report: ${out}`);
  for (const id of [
    'first-contentful-paint',
    'largest-contentful-paint',
    'total-blocking-time',
    'cumulative-layout-shift',
  ]) {
    console.log(`  ${report.audits[id]?.title}: ${report.audits[id]?.displayValue}`);
  }
  // Simulated durations (the CPU slowdown applied): over 50 ms after the first paint is blocking.
  const longTasks = (report.audits['long-tasks']?.details?.items ?? [])
    .slice(0, 4)
    .map((t) => `${(t.url ?? '').replace(url, '/')} ${Math.round(t.duration ?? 0)} ms`);
  if (longTasks.length > 0) console.log(`  longest tasks: ${longTasks.join(', ')}`);
  for (const c of CATEGORIES) {
    const category = report.categories[c];
    if ((category?.score ?? 0) >= 1) continue;
    const missed = (category?.auditRefs ?? [])
      .filter((r) => r.weight > 0 && (report.audits[r.id]?.score ?? 1) < 1)
      .map((r) => `${r.id} (${report.audits[r.id]?.displayValue ?? report.audits[r.id]?.score})`);
    failures.push(
      `lighthouse ${preset}${run > 1 ? ` (run ${run})` : ''} ${c} ${Math.round((category?.score ?? 0) * 100)}: ${missed.join(', ')}`,
    );
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const runs = Math.max(1, Number(process.argv[3] ?? 1) || 1);
  const js = firstLoadJs();
  console.log(
    `first-load JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} KB gzip (before the first paint: ${js.beforePaint.join(', ')}; after it: ${js.afterPaint.join(', ')})`,
  );
  if (js.gzipBytes > JS_BUDGET_BYTES)
    failures.push(`first-load JavaScript ${js.gzipBytes} B gzip > ${JS_BUDGET_BYTES}`);

  const fake = await startFakeOpenAI({ host: '127.0.0.1', models: ['fake-model'] });
  const edge = await startEdge({
    serverEnv: {
      DISABLE_PRIMARY: '0',
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
    },
  });
  // The full Lighthouse reports stay for reading (ignored by git).
  const work = join(root, '.reports/audit-web');
  mkdirSync(work, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    if (only !== 'lighthouse') await axeAndShots(browser, edge.origin, fake.url);
    await browser.close();
    for (let run = 1; run <= runs; run++) {
      for (const preset of ['mobile', 'desktop'] as const) {
        if (runs > 1)
          console.log(`run ${run} of ${runs} (load average ${loadavg()[0]?.toFixed(2)})`);
        try {
          lighthouse(`${edge.origin}/`, preset, work, run);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await edge.stop();
    await fake.close();
  }
  if (failures.length > 0) {
    console.error(`\naudit:web: ${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
  console.log('audit:web: every bar met');
}

await main();
