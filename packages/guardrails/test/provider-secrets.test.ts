import { describe, expect, it } from 'vitest';
import { covered, formatSamples, TUNING } from '../eval/secret-formats.ts';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';

// Credentials of every provider format the rules know (generated from the documented formats
// with the tuning seed and contexts; the evaluation uses another seed and other contexts), the
// connection strings and password fields, and look-alikes that must be left alone.
const SAMPLES = formatSamples(TUNING, 2);

describe('provider credentials', () => {
  for (const sample of SAMPLES.filter((s) => s.secret !== null)) {
    it(`redacts every character of a ${sample.type}`, () => {
      const secret = sample.secret as string;
      const start = sample.text.indexOf(secret);
      const { text, redactions } = redactSecrets(sample.text);
      expect(covered(redactions, start, start + secret.length), text).toBe(true);
      expect(text).not.toContain(secret.slice(Math.floor(secret.length / 2)));
    });
  }

  it('leaves hashes, UUIDs, ARNs, public IDs and placeholders alone', () => {
    for (const sample of SAMPLES.filter((s) => s.secret === null)) {
      expect(redactSecrets(sample.text).redactions, `${sample.type}: ${sample.text}`).toEqual([]);
    }
  });

  it('streams each one split at every position exactly as it redacts it whole', () => {
    for (const sample of SAMPLES) {
      const expected = redactSecrets(sample.text).text;
      for (let cut = 1; cut < sample.text.length; cut++) {
        const redactor = createStreamRedactor();
        const out =
          redactor.push(sample.text.slice(0, cut)) +
          redactor.push(sample.text.slice(cut)) +
          redactor.flush();
        if (out !== expected) expect(out, `${sample.type} cut at ${cut}`).toBe(expected);
      }
    }
  });
});
