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
  // Splitting at ASCII separators first leaves the Unicode-aware split (several times slower) to
  // the few pieces holding other characters: query expansion reads ten chunks per query.
  for (const piece of foldCase(text)
    .replace(/['’]s\b/g, '')
    .split(ASCII_SEPARATORS)) {
    if (!NON_ASCII.test(piece)) {
      if (piece.length > 1 && piece.length <= MAX_TERM_LENGTH) out.push(piece);
      continue;
    }
    for (const w of piece.split(/[^\p{L}\p{N}]+/u)) {
      if (w.length > 1 && w.length <= MAX_TERM_LENGTH) out.push(w);
    }
  }
  return out;
}

/** Runs of ASCII characters that are neither letters nor digits. */
const ASCII_SEPARATORS = /[^a-zA-Z0-9\u0080-\uffff]+/;
const NON_ASCII = /[\u0080-\uffff]/;

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
