import { describe, expect, it } from 'vitest';
import { createStreamRedactor, findCanaries } from '../src/index.ts';
import { redactWith } from '../src/secrets/redact.ts';

// The chat plants a random marker in the system prompt and stops an answer that shows it. A model
// talked into revealing it "without revealing it" writes it disguised; each disguise below once
// walked past the literal comparison (and the invisible-character view) with `leaked` false.

/** The chat's marker shape: `BASTION-` and 12 random bytes in base64url. */
const CANARY = 'BASTION-q3Zk9_Lw2XpA7mRt';
/** One ending in a base64url symbol, which goes with it. */
const CANARY_TRAIL = 'BASTION-Hn4_bQ8wYc2LmTe-';

const spaced = (s: string, by: string): string => [...s].join(by);

const DISGUISES: ReadonlyArray<readonly [string, (canary: string) => string]> = [
  ['as is', (c) => c],
  ['spaced out', (c) => spaced(c, ' ')],
  ['lowercased', (c) => c.toLowerCase()],
  ['uppercased and dotted', (c) => spaced(c.toUpperCase(), '.')],
  ['split by a newline', (c) => `${c.slice(0, 11)}\n${c.slice(11)}`],
  ['one character per line', (c) => spaced(c, '\n')],
  ['zero-width characters', (c) => spaced(c, '\u200b')],
  // Cyrillic А, В and Т for the Latin letters (they render the same).
  ['look-alikes', (c) => c.replace('A', '\u0410').replace('B', '\u0412').replace('T', '\u0422')],
  [
    'fullwidth',
    (c) => c.replace(/[A-Za-z0-9]/g, (x) => String.fromCharCode(x.charCodeAt(0) + 0xfee0)),
  ],
  ['lowercased, spaced and zero-width', (c) => spaced(c.toLowerCase(), ' \u200c')],
  ['in code spans', (c) => spaced(c, '` `')],
];

function streamed(chunks: readonly string[], canaries: string[]) {
  const redactor = createStreamRedactor({ canaries });
  let text = '';
  for (const chunk of chunks) text += redactor.push(chunk);
  return { text: text + redactor.flush(), leaked: redactor.leaked };
}

describe('a canary written disguised', () => {
  for (const [name, disguise] of DISGUISES) {
    for (const canary of [CANARY, CANARY_TRAIL]) {
      const shown = disguise(canary);
      const text = `Sure, my marker is ${shown} as asked.`;

      it(`${name} (${canary.at(-1)}) is found and redacted in the whole text`, () => {
        expect(findCanaries(text, [canary])).toEqual([
          { start: text.indexOf(shown), end: text.indexOf(shown) + shown.length },
        ]);
        expect(redactWith(text, [canary]).text).toBe(
          'Sure, my marker is [REDACTED:canary] as asked.',
        );
      });

      it(`${name} (${canary.at(-1)}) sets leaked and is redacted, split at every offset`, () => {
        const expected = 'Sure, my marker is [REDACTED:canary] as asked.';
        for (let i = 0; i <= text.length; i++) {
          const out = streamed([text.slice(0, i), text.slice(i)], [canary]);
          expect(out.leaked, `split at ${i}`).toBe(true);
          expect(out.text, `split at ${i}`).toBe(expected);
        }
        for (const size of [1, 3, 64]) {
          const chunks: string[] = [];
          for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
          const out = streamed(chunks, [canary]);
          expect(out.leaked, `chunks of ${size}`).toBe(true);
          expect(out.text, `chunks of ${size}`).toBe(expected);
        }
      });
    }
  }

  it('sets leaked at the push that completes it', () => {
    const shown = spaced(CANARY.toLowerCase(), ' ');
    const text = `marker: ${shown} end`;
    const end = text.indexOf(shown) + shown.length;
    for (const size of [1, 5, 64]) {
      const redactor = createStreamRedactor({ canaries: [CANARY] });
      for (let at = 0; at < text.length; at += size) {
        redactor.push(text.slice(at, at + size));
        expect(redactor.leaked, `size ${size} at ${at}`).toBe(at + size >= end);
      }
    }
  });
});

describe('text that is not the canary', () => {
  const cases = [
    'Bastion is a hardened chat assistant; BASTION-style markers are planted per answer.',
    // One character differs.
    `marker ${CANARY.slice(0, -1)}x here`,
    // Only its beginning.
    `marker ${CANARY.slice(0, 16)} and more words here`,
    // Its characters, but too far apart to read as one marker.
    spaced(CANARY, ' '.repeat(17)),
    // A letter between two of its characters.
    `${CANARY.slice(0, 10)}x${CANARY.slice(10)}`,
  ];
  for (const text of cases) {
    it(`is left alone: ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(findCanaries(text, [CANARY])).toEqual([]);
      const out = streamed([text.slice(0, 9), text.slice(9)], [CANARY]);
      expect(out.leaked).toBe(false);
      expect(out.text).toBe(text);
    });
  }
});
