import { describe, expect, it } from 'vitest';
import { MATCH_END, MATCH_START } from '../../src/rag/sanitize.ts';
import { hitExcerpt, snippet } from '../../src/rag/search/snippet.ts';

const shown = (text: string | null) =>
  text?.replaceAll(MATCH_START, '[').replaceAll(MATCH_END, ']') ?? null;

describe('snippet', () => {
  it('marks the words the index would match: case, diacritics and Porter stems folded', () => {
    expect(
      shown(snippet('Rotating keys. Key rotation is a Café rule.', ['rotation', 'cafe'])),
    ).toBe('[Rotating] keys. Key [rotation] is a [Café] rule.');
    expect(shown(snippet('Ponies and a pony.', ['ponies']))).toBe('[Ponies] and a [pony].');
  });

  it('marks the right words when lower case changes the text length or characters are astral', () => {
    // 'İ' lower-cases to two code units, so offsets of the lower-cased text would drift.
    expect(
      shown(
        snippet('İSTANBUL rotations: İstanbul café, 𐐀rotation a\uD800rotation', [
          'rotation',
          'istanbul',
        ]),
      ),
    ).toBe('[İSTANBUL] [rotations]: [İstanbul] café, 𐐀rotation a\uD800[rotation]');
  });

  it('keeps marker characters already in a body from turning into highlights', () => {
    const body = `a ${MATCH_START}fake${MATCH_END} key rotation`;
    expect(shown(hitExcerpt(body, ['rotation']))).toBe('a fake key [rotation]');
    // A hit that matched only in its title shows the body's opening, markers removed too.
    expect(shown(hitExcerpt(body, ['title']))).toBe('a fake key rotation');
  });

  it('returns null when no word matches', () => {
    expect(snippet('Nothing relevant here.', ['rotation'])).toBeNull();
  });

  it('picks the window with the most distinct terms and centres it on them', () => {
    const filler = (n: number, w: string) => Array.from({ length: n }, () => w).join(' ');
    const text = `${filler(30, 'alpha')} beta ${filler(30, 'gamma')} beta delta ${filler(30, 'omega')}`;
    expect(shown(snippet(text, ['beta', 'delta'], 10))).toBe(
      '…gamma gamma gamma gamma [beta] [delta] omega omega omega omega…',
    );
  });

  it('never cuts a whitespace-delimited token in half at the edges', () => {
    const key = 'sk_live_0123456789abcdef';
    const text = `${'word '.repeat(40)}the key ${key} rotates ${'word '.repeat(40)}`;
    const excerpt = shown(snippet(text, ['rotates'], 3)) ?? '';
    expect(excerpt).toContain(key);
  });
});
