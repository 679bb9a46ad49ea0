import { stemmer } from 'stemmer';
import { STOPWORDS } from './stopwords.ts';

/** More distinct terms than this add nothing to ranking but cost time. */
export const MAX_QUERY_TERMS = 32;
const MAX_TERM_LENGTH = 64;
/** Only the start of very long input is read (a pasted document is not a query). */
const MAX_SCANNED_CHARS = 8_192;

/**
 * Lower-cased words of `text` with diacritics and possessive `'s` removed, split on anything
 * that is not a letter or digit: the tokens can never carry FTS5 syntax (quotes, operators,
 * column filters, NUL), and match how the index's `unicode61 remove_diacritics 2` tokenizer sees
 * the text (FTS5 applies the porter stemmer to both sides).
 */
export function words(text: string): string[] {
  const out: string[] = [];
  const folded = foldCase(text).replace(/['’]s\b/g, '');
  // A scan of character codes: splitting with regular expressions cost most of query expansion,
  // which reads ten chunks per query.
  for (let i = 0; i < folded.length; ) {
    let length = wordCharAt(folded, i);
    if (length === 0) {
      i++;
      continue;
    }
    const start = i;
    while (length > 0) {
      i += length;
      length = wordCharAt(folded, i);
    }
    if (i - start > 1 && i - start <= MAX_TERM_LENGTH) out.push(folded.slice(start, i));
  }
  return out;
}

/** A letter or digit: words are runs of them, as the index's unicode61 tokenizer sees them. */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const NON_ASCII = /[\u0080-\uffff]/;
/** 1 for ASCII letters and digits, 0 for other ASCII characters. */
const ASCII_WORD_CHARS = Uint8Array.from({ length: 0x80 }, (_, c) =>
  /[a-zA-Z0-9]/.test(String.fromCharCode(c)) ? 1 : 0,
);

/** The length in UTF-16 units (1 or 2) of the letter or digit at `i` of `text`; 0 for any other. */
export function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return ASCII_WORD_CHARS[c] as number;
  if (Number.isNaN(c)) return 0;
  const point = text.codePointAt(i) as number;
  return WORD_CHAR.test(String.fromCodePoint(point)) ? (point > 0xffff ? 2 : 1) : 0;
}

/** Lower case without diacritics, as the index's tokenizer compares words. */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  // ASCII has no diacritics to remove (and NFKD leaves it as it is).
  return NON_ASCII.test(lower) ? lower.normalize('NFKD').replace(/\p{M}+/gu, '') : lower;
}

/** The distinct content words of a query, stopwords removed unless nothing else is left. */
export function queryTerms(query: string): string[] {
  const all = [...new Set(words(query.slice(0, MAX_SCANNED_CHARS)))];
  const content = all.filter((w) => !STOPWORDS.has(w));
  return (content.length > 0 ? content : all).slice(0, MAX_QUERY_TERMS);
}

/** A term as an FTS5 string literal: tokens hold letters and digits only, so this is inert. */
export function ftsPhrase(term: string): string {
  return `"${term}"`;
}

export function anyOf(terms: readonly string[]): string {
  return terms.map(ftsPhrase).join(' OR ');
}

const stems = new Map<string, string>();
/** Enough stems for the words of many searches; the cache starts again when it is full. */
const MAX_CACHED_STEMS = 20_000;

/** The Porter stem of a case-folded word, as FTS5's porter tokenizer stems it (memoised). */
export function stem(word: string): string {
  let cached = stems.get(word);
  if (cached === undefined) {
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    cached = stemmer(word);
    stems.set(word, cached);
  }
  return cached;
}
