import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { analyzeInjection, gateViolations } from '../src/injection/detect.ts';

// Properties checked on every row of the development sets, when they are on this machine (the
// quality figures themselves are the eval's job).
const dataDir =
  process.env.GUARDRAILS_DATA_DIR ??
  resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets', 'guardrails');
const present =
  existsSync(join(dataDir, 'secrets.jsonl')) && existsSync(join(dataDir, 'injection.jsonl'));

const rows = (file: string): Array<Record<string, string | null | undefined>> =>
  readFileSync(join(dataDir, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
const decode = (value: string | null | undefined): string =>
  Buffer.from(value ?? '', 'base64').toString('utf8');

describe.skipIf(!present)('development sets', () => {
  it('streaming redaction equals batch redaction at every split of every row', {
    timeout: 120_000,
  }, () => {
    for (const row of rows('secrets.jsonl')) {
      const text = decode(row.text);
      const expected = redactSecrets(text).text;
      for (let i = 0; i <= text.length; i++) {
        const redactor = createStreamRedactor();
        const out =
          redactor.push(text.slice(0, i)) + redactor.push(text.slice(i)) + redactor.flush();
        if (out !== expected) expect(out, `${row.id} split at ${i}`).toBe(expected);
      }
    }
  });

  it('the anchor gate never changes a verdict', { timeout: 120_000 }, () => {
    for (const row of rows('injection.jsonl')) {
      const text = String(row.text);
      expect(gateViolations(text), String(row.id)).toEqual([]);
      expect(analyzeInjection(text, { documents: true }), String(row.id)).toEqual(
        analyzeInjection(text, { documents: true, ungated: true }),
      );
    }
  });
});
