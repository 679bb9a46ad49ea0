import { describe, expect, it } from 'vitest';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { analyzeInjection, gateViolations } from '../src/injection/detect.ts';
import { datasetsPresent, decode, rows } from './dataset-rows.ts';

// Properties checked on every row of the development sets, when they are on this machine (the
// quality figures themselves are the eval's job).

describe.skipIf(!datasetsPresent)('development sets', () => {
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
