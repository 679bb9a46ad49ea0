import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/rag/ingest/parse.ts';
import { MAX_PDF_PAGES } from '../../src/rag/ingest/pdf.ts';
import { makePdfFromStreams } from './fixtures/pdf.ts';

/**
 * Pathological inputs for every ingest format, each a function of a size n. Linear parsing takes
 * about 4× as long at 4n; anything quadratic takes 16×, which the threshold below tells apart.
 */
const CASES: Array<[format: string, path: string, make: (n: number) => string | Uint8Array]> = [
  ['Markdown: ATX heading with a long blank run', 'a.md', (n) => `# a${' '.repeat(n)}x`],
  ['Markdown: heading of open brackets', 'a.md', (n) => `# ${'['.repeat(n)}`],
  ['Markdown: heading of unclosed links', 'a.md', (n) => `# ${'[a]('.repeat(n / 4)}`],
  ['Markdown: U+2028 after a blank run', 'a.md', (n) => `# ${' '.repeat(n)}\u2028`],
  ['Markdown: a heading per line', 'a.md', (n) => '# a\nb\n'.repeat(n / 6)],
  ['Markdown: unclosed front matter', 'a.md', (n) => `---\n${'---   x\n'.repeat(n / 8)}`],
  ['Markdown: setext underline run', 'a.md', (n) => `a\n${'='.repeat(n)}x`],
  [
    'MDX: ATX heading with a long blank run',
    'a.mdx',
    (n) => `import x from 'y'\n# a${' '.repeat(n)}x`,
  ],
  ['text: one-word sentences', 'a.txt', (n) => 'a. '.repeat(n / 3)],
  ['text: blank-line runs', 'a.txt', (n) => `${'x\n \n'.repeat(n / 4)}`],
  ['text: one long word', 'a.txt', (n) => 'x'.repeat(n)],
  ['HTML: repeated <title', 'a.html', (n) => '<title'.repeat(n / 6)],
  ['HTML: deep nesting', 'a.html', (n) => '<div>'.repeat(n / 5)],
  [
    'HTML: nesting and stray end tags',
    'a.html',
    (n) => `${'<b>'.repeat(n / 8)}${'</i>'.repeat(n / 8)}`,
  ],
  ['HTML: heading with a long blank run', 'a.html', (n) => `<h1>a${' '.repeat(n)}x</h1>`],
  ['HTML: unclosed skipped elements', 'a.html', (n) => '<svg><p>x'.repeat(n / 9)],
  [
    'JSON: a long key over many leaves',
    'a.json',
    (n) => `{"${'k'.repeat(n / 2)}":[${'1,'.repeat(n / 4)}1]}`,
  ],
  ['JSON: deep nesting', 'a.json', (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`],
  ['JSON: many leaves', 'a.json', (n) => `[${'1,'.repeat(n / 2)}1]`],
  ['YAML: deep flow nesting', 'a.yaml', (n) => `${'['.repeat(n / 2)}${']'.repeat(n / 2)}`],
  [
    'YAML: deep indentation',
    'a.yaml',
    (n) => Array.from({ length: Math.sqrt(n) }, (_, i) => `${' '.repeat(i)}- a`).join('\n'),
  ],
  ['YAML: aliases of aliases', 'a.yaml', (n) => yamlFanOut(n)],
  [
    'YAML: many keys',
    'a.yaml',
    (n) => Array.from({ length: n / 10 }, (_, i) => `k${i}: v`).join('\n'),
  ],
  ['code: declaration line with a long blank run', 'a.ts', (n) => `x${' '.repeat(n)}y {`],
  ['code: a declaration per line', 'a.ts', (n) => 'a\n\n'.repeat(n / 3)],
  [
    'code: blank lines then closers',
    'a.py',
    (n) => `${'\n'.repeat(n / 2)}${'a\n)\n'.repeat(n / 8)}`,
  ],
  [
    'PDF: a long blank run in one string',
    'a.pdf',
    (n) => makePdfFromStreams([`BT /F1 12 Tf 72 720 Td (a${' '.repeat(n)}x) Tj ET`]),
  ],
  [
    'PDF: many text operations',
    'a.pdf',
    (n) => makePdfFromStreams([`BT /F1 12 Tf 72 720 Td ${'(w) Tj 1 0 Td '.repeat(n / 14)}ET`]),
  ],
];

/** Anchors that each alias the previous one several times: expanded, it grows exponentially. */
function yamlFanOut(n: number): string {
  const lines = ['a0: &a0 [x, y]'];
  for (let i = 1; lines.join('\n').length < n; i++) {
    lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
  }
  return lines.join('\n');
}

const BASE = 4_000;
/** Linear code lands near 4; a quadratic step is 16 or more. */
const MAX_GROWTH = 9;

/**
 * Fastest of several rounds of parsing one input (ms per parse), to see past noise. A first parse
 * slower than `limit` is answer enough: it is returned at once.
 */
async function parseTime(path: string, content: string | Uint8Array, limit = Infinity) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let runs = 0;
    const started = performance.now();
    do {
      await parseDocument({ path, content });
      runs++;
    } while (performance.now() - started < 20);
    best = Math.min(best, (performance.now() - started) / runs);
    if (best > limit) break;
  }
  return best;
}

/**
 * How much longer 4× the input takes: from n to 4n, or, when that step crosses one of V8's
 * one-off cliffs (a garbage-collector or representation threshold shows as a single jump, where
 * quadratic work keeps growing), from 4n to 16n.
 */
async function growth(path: string, make: (n: number) => string | Uint8Array): Promise<number> {
  await parseTime(path, make(BASE)); // warm up
  let previous = await parseTime(path, make(BASE));
  let ratio = Number.POSITIVE_INFINITY;
  for (const n of [4 * BASE, 16 * BASE]) {
    const time = await parseTime(path, make(n), previous * MAX_GROWTH);
    ratio = time / previous;
    if (ratio < MAX_GROWTH) break;
    previous = time;
  }
  return ratio;
}

describe('ingest parsing runs in linear time for every format', () => {
  for (const [name, path, make] of CASES) {
    it(name, { timeout: 120_000 }, async () => {
      const ratio = await growth(path, make);
      expect(ratio, `${name}: 4× the input took ${ratio.toFixed(1)}× the time`).toBeLessThan(
        MAX_GROWTH,
      );
    });
  }
});

describe('PDF page count', () => {
  // pdf.js walks a flat page tree from the start for every page (quadratic in the page count):
  // pages past the cap are not read, which bounds that walk.
  it(`reads the first ${MAX_PDF_PAGES} pages of a longer PDF`, { timeout: 60_000 }, async () => {
    const pages = Array.from(
      { length: MAX_PDF_PAGES + 200 },
      (_, i) => `BT /F1 12 Tf 72 720 Td (page ${i + 1}) Tj ET`,
    );
    const parsed = await parseDocument({ path: 'long.pdf', content: makePdfFromStreams(pages) });
    const text = parsed.chunks.map((c) => c.body).join('\n');
    expect(text).toContain(`page ${MAX_PDF_PAGES}`);
    expect(text).not.toContain(`page ${MAX_PDF_PAGES + 1}`);
  });
});
