import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/rag/ingest/parse.ts';
import {
  MAX_PDF_PAGES,
  PDF_DECODED_ALLOWANCE,
  PDF_DECODED_PER_BYTE,
} from '../../src/rag/ingest/pdf.ts';
import { PATHOLOGICAL } from './fixtures/pathological.ts';
import { makePdfFromStreams } from './fixtures/pdf.ts';

const BASE = 4_000;
/** Linear code lands near 4; a quadratic step is 16 or more. */
const MAX_GROWTH = 9;

/**
 * This thread's CPU time in ms: parsing runs on it, and unlike the wall clock it does not count the
 * time other processes of a busy machine hold the cores (a wall-clock version failed at load 15).
 */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/**
 * Fastest of several rounds of parsing one input (CPU ms per parse), to see past noise. Two rounds
 * slower than `limit` are answer enough (one could be a pause of a busy machine): returned at once.
 */
async function parseTime(path: string, content: string | Uint8Array, limit = Infinity) {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let runs = 0;
    const started = cpuMs();
    do {
      await parseDocument({ path, content });
      runs++;
    } while (cpuMs() - started < 20);
    best = Math.min(best, (cpuMs() - started) / runs);
    if (round > 0 && best > limit) break;
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
  for (const [name, path, make] of PATHOLOGICAL) {
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

describe('PDF decompression', () => {
  const text = (bytes: number) =>
    Buffer.from('BT /F1 12 Tf 72 720 Td (A) Tj ET '.repeat(bytes / 33));

  it('reads deflated content streams', async () => {
    const pdf = makePdfFromStreams([deflateSync('BT /F1 12 Tf 72 720 Td (Deflated page) Tj ET')]);
    const parsed = await parseDocument({ path: 'small.pdf', content: pdf });
    expect(parsed.chunks.map((c) => c.body).join(' ')).toContain('Deflated page');
  });

  it('refuses a PDF whose streams expand past the budget, in a layer or nested, quickly', async () => {
    const over = PDF_DECODED_ALLOWANCE + 2 * 1024 * 1024;
    const bombs = {
      'one layer': [deflateSync(text(over))],
      'two layers': [deflateSync(deflateSync(text(over)))],
      'many pages': Array.from({ length: 8 }, () => deflateSync(text(over / 8 + 1024))),
    };
    for (const [name, streams] of Object.entries(bombs)) {
      const pdf = makePdfFromStreams(streams);
      expect(PDF_DECODED_ALLOWANCE + PDF_DECODED_PER_BYTE * pdf.length).toBeLessThan(over);
      const started = performance.now();
      await expect(parseDocument({ path: `${name}.pdf`, content: pdf }), name).rejects.toThrow(
        /expands to too much/,
      );
      expect(performance.now() - started, name).toBeLessThan(5_000);
    }
  });
});
