import { re } from './patterns.ts';

// Undoes the usual ways of hiding words from a filter before the rules read a text: compatibility
// forms (fullwidth, mathematical letters), invisible and bidi controls, Unicode tag characters
// ("ASCII smuggling"), accents, Cyrillic and Greek look-alikes, leetspeak and separators inside
// words. Pure ASCII text takes a fast path: one native lower-casing and one pass over the
// characters that collapses blank runs and notices leetspeak and spaced-out letters.

const NON_ASCII = re(/[\u0080-\uffff]/);
// Invisible characters: format controls and fillers, then the invisible combining marks.
const INVISIBLE = re(
  /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]|[\u034f\u180b-\u180d\u180f\ufe00-\ufe0f]|\u17b4|\u17b5|\udb40[\udd00-\uddef]/g,
);
const TAG_CHARACTER = re(/\udb40([\udc00-\udc7f])/g);
const COMBINING_MARK = re(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g);
const UNICODE_BLANK = re(/[\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g);
const NOT_LETTER = re(/[^a-z]+/g);

// Letters that render like Latin ones: Cyrillic, Greek and a few others, mapped to lower case.
const LOOKALIKES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ɡ: 'g',
  ь: 'b',
  А: 'a',
  В: 'b',
  Е: 'e',
  К: 'k',
  М: 'm',
  Н: 'h',
  О: 'o',
  Р: 'p',
  С: 'c',
  Т: 't',
  У: 'y',
  Х: 'x',
  Ѕ: 's',
  І: 'i',
  Ј: 'j',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'i',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
  ı: 'i',
  ℓ: 'l',
  ɑ: 'a',
  ǀ: 'l',
};
const LOOKALIKE = re(new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g'));
/**
 * Characters `foldLetters` may change: letters that decompose into accents, combining marks,
 * look-alikes, Unicode blanks. Text without any (after NFKC: emoji, dashes, quotes) is left alone.
 */
const FOLDABLE = re(
  /[\u00a0\u00c0-\u02ff\u0370-\u052f\u1e00-\u1fff\u2000-\u200a\u2028\u2029\u202f\u205f\u2113\u3000]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/,
);

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
};

export interface NormalizedText {
  /** Compatibility-normalised, hidden characters revealed or removed, case kept. */
  cased: string;
  /** Lower case, accents and look-alikes folded, leetspeak decoded, blank runs collapsed. */
  folded: string;
  /** The text hid or disguised letters (invisible characters, tag characters, look-alikes). */
  disguised: boolean;
  /** Four or more single letters in a row split by separators (`i g n o`, `i.g.n.o`). */
  spacedLetters: boolean;
  /** Runs of `cased` that may be base64 or hex payloads. */
  encodedRuns: EncodedRun[];
}

/** Tag characters turned back into the ASCII they hide, invisible characters removed. */
function revealHidden(text: string): string {
  // Tag characters are surrogate pairs led by U+DB40: most texts have none to replace.
  const revealed = text.includes('\udb40')
    ? text.replace(TAG_CHARACTER, (_, low: string) =>
        String.fromCharCode(low.charCodeAt(0) - 0xdc00),
      )
    : text;
  return revealed.replace(INVISIBLE, '');
}

function foldLetters(lower: string): string {
  return lower
    .normalize('NFD')
    .replace(COMBINING_MARK, '')
    .replace(LOOKALIKE, (ch) => LOOKALIKES[ch] ?? ch)
    .normalize('NFC')
    .replace(UNICODE_BLANK, ' ');
}

// Character classes as bit flags for the single pass below.
const BLANK = 1;
const NEWLINE = 2;
const LOWER = 4;
const UPPER = 8;
const DIGIT = 16;
const LEETCHAR = 32;
const BASE64_SYMBOL = 64;
const NOT_HEX = 128;
const AT_OR_DOLLAR = 256;
const CLASS = new Uint16Array(65536);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  const hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
  CLASS[c] =
    (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' ? BLANK : 0) |
    (ch === '\n' ? NEWLINE : 0) |
    (ch >= 'a' && ch <= 'z' ? LOWER : 0) |
    (ch >= 'A' && ch <= 'Z' ? UPPER : 0) |
    (ch >= '0' && ch <= '9' ? DIGIT : 0) |
    ('0134578@$'.includes(ch) ? LEETCHAR : 0) |
    ('+/_-'.includes(ch) ? BASE64_SYMBOL : 0) |
    ((letter && !hex) || '+/_-'.includes(ch) ? NOT_HEX : 0) |
    ('@$'.includes(ch) ? AT_OR_DOLLAR : 0);
}
const LETTER = LOWER | UPPER;
const BASE64 = LETTER | DIGIT | BASE64_SYMBOL;
/** Characters of a token: base64 characters and the leetspeak symbols. */
const TOKEN = BASE64 | LEETCHAR;
/** Runs shorter than this are not worth decoding. */
const MIN_ENCODED_RUN = 16;

/** A run of base64 or hex characters that may hide an encoded payload. */
export interface EncodedRun {
  start: number;
  end: number;
  /** Only hex digits. */
  hex: boolean;
  /** Upper and lower case letters and either digits or padding: plausible base64. */
  base64: boolean;
}

interface Scan {
  collapsed: string;
  /** The text reads as leetspeak somewhere. */
  leet: boolean;
  /** Start and end (in `collapsed`) of each word that mixes letters with digits, `@` or `$`. */
  leetWords: number[];
  spacedLetters: boolean;
  runs: EncodedRun[];
}

/** Records `source[start, end)` if it may be base64 or hex; `seen` holds its character classes. */
function pushRun(
  runs: EncodedRun[],
  source: string,
  start: number,
  end: number,
  seen: number,
): void {
  if (end - start < MIN_ENCODED_RUN) return;
  const padded = source.charCodeAt(end) === 61;
  const hexOnly = (seen & NOT_HEX) === 0;
  const base64 = (seen & LOWER) !== 0 && (seen & UPPER) !== 0 && ((seen & DIGIT) !== 0 || padded);
  if (hexOnly || base64) runs.push({ start, end, hex: hexOnly && !padded, base64 });
}

/**
 * A token ending at `end` whose characters have the classes `seen` (case folded) can hold a run
 * worth decoding: hex digits only, or a digit or padding that base64 needs, or `@`/`$` that split
 * it into parts that may be either. Paths and words without digits are skipped unread.
 */
function mayHoldRun(seen: number, text: string, end: number): boolean {
  return (seen & (NOT_HEX | DIGIT | AT_OR_DOLLAR)) !== NOT_HEX || text.charCodeAt(end) === 61;
}

/**
 * Records the runs of a token of `source` that may be base64 or hex: its parts between `@` and `$`,
 * which split them. The character classes are read from `source`, where case is kept.
 */
function pushTokenRuns(runs: EncodedRun[], source: string, start: number, end: number): void {
  let from = start;
  let seen = 0;
  for (let k = start; k < end; k++) {
    const f = CLASS[source.charCodeAt(k)] as number;
    if (f & AT_OR_DOLLAR) {
      pushRun(runs, source, from, k, seen);
      from = k + 1;
      seen = 0;
    } else {
      seen |= f;
    }
  }
  pushRun(runs, source, from, end, seen);
}

/**
 * Records `text[start, end)` (letters, digits, `@` and `$`; `shift` maps it into the collapsed
 * text) if leetspeak decoding would rewrite it: like `pr3v10us` or `1gnore`, letters then a digit
 * or symbol, or digits then a letter, starting at a word boundary. Leading `@` and `$` stay.
 */
function pushLeetWord(
  words: number[],
  text: string,
  start: number,
  end: number,
  shift: number,
): void {
  let from = start;
  while (from < end && (CLASS[text.charCodeAt(from)] as number) & AT_OR_DOLLAR) from++;
  if (from === end || (from === start && text.charCodeAt(start - 1) === 95)) return; // after `_`: no word boundary
  let k = from;
  if ((CLASS[text.charCodeAt(from)] as number) & LETTER) {
    while (k < end && (CLASS[text.charCodeAt(k)] as number) & LETTER) k++;
    if (k === end) return;
  } else {
    while (k < end && (CLASS[text.charCodeAt(k)] as number) & DIGIT) k++;
    if (k === end || !((CLASS[text.charCodeAt(k)] as number) & LETTER)) return;
  }
  words.push(from - shift, end - shift);
}

/** What the pass below knows about the words read so far. */
interface Words {
  /** The text reads as leetspeak somewhere. */
  leet: boolean;
  spacedLetters: boolean;
  /** One-letter words in a row on one line, each one to two characters after the last. */
  singles: number;
  /** Where the last one-letter word stands. */
  lastSingle: number;
}

/** A one-letter word at `at`: four of them in a row are spaced-out letters (`i g n o`). */
function singleLetter(st: Words, at: number): void {
  st.singles = at - st.lastSingle <= 3 ? st.singles + 1 : 1;
  st.lastSingle = at;
  if (st.singles >= 4) st.spacedLetters = true;
}

/**
 * Reads a token that mixes letters with digits or symbols character by character: notes
 * leetspeak and single letters, and records the words leetspeak decoding would rewrite.
 */
function readMixedToken(
  st: Words,
  text: string,
  start: number,
  end: number,
  seen: number,
  leetWords: number[],
  shift: number,
): void {
  if (!(seen & (DIGIT | AT_OR_DOLLAR))) {
    // Letters and `+/_-` only (`snake_case`, `a-b-c`): no leetspeak, words split at the symbols.
    let from = start;
    for (let k = start; k <= end; k++) {
      if (k < end && !((CLASS[text.charCodeAt(k)] as number) & BASE64_SYMBOL)) continue;
      if (k - from === 1) singleLetter(st, from);
      else if (k - from > 1) st.singles = 0;
      from = k + 1;
    }
    return;
  }
  let wordFrom = start; // the current run of letters, digits, `@` and `$`
  let wordSeen = 0;
  let letters = 0; // letters in the current word
  let lastLetter = -1;
  let leetRun = 0; // leet characters since the last letter of the current word
  let leetFirst = false; // the current word starts with a leet character
  let wordStart = true;
  for (let k = start; k <= end; k++) {
    const g = k < end ? (CLASS[text.charCodeAt(k)] as number) : 0;
    if (g & BASE64_SYMBOL || k === end) {
      if (wordSeen & LETTER && wordSeen & (DIGIT | AT_OR_DOLLAR))
        pushLeetWord(leetWords, text, wordFrom, k, shift);
      wordFrom = k + 1;
      wordSeen = 0;
    } else {
      wordSeen |= g;
    }
    if (g & LETTER) {
      if (leetRun > 0 && leetRun <= 2 && (letters > 0 || leetFirst)) st.leet = true;
      letters++;
      lastLetter = k;
      leetRun = 0;
      wordStart = false;
    } else if (g & LEETCHAR && (letters > 0 || wordStart || leetFirst)) {
      if (wordStart) leetFirst = true;
      leetRun++;
      wordStart = false;
    } else {
      // The word ends here (the token's end ends it too).
      if (letters === 1 && leetRun === 0) singleLetter(st, lastLetter);
      else if (letters > 1) st.singles = 0;
      letters = 0;
      leetRun = 0;
      leetFirst = false;
      wordStart = !(g & DIGIT);
    }
  }
}

/**
 * One pass over the characters: collapses blank runs of `text` into one space (or one line break
 * if they hold one), notes leetspeak (`pr3v10us`, `1gnore`) and spaced-out single letters, and
 * collects the runs of `source` (same length, case kept) that may be encoded payloads. Tokens of
 * letters, digits and symbols are read in a tight inner loop; only tokens that mix letters with
 * digits or symbols go through the per-character word logic.
 */
function scanCharacters(text: string, source: string | null): Scan {
  const runs: EncodedRun[] = [];
  const leetWords: number[] = [];
  const st: Words = { leet: false, spacedLetters: false, singles: 0, lastSingle: -10 };
  const n = text.length;
  let out = '';
  let copied = 0;
  let removed = 0; // characters the collapsing removed so far
  // Classes are read from `text`, the lower-cased copy: a flat string, faster to read than the
  // caller's (often sliced or concatenated) one. Only the runs need case, read from `source`.
  let i = 0;
  while (i < n) {
    let f = CLASS[text.charCodeAt(i)] as number;
    if (f & TOKEN) {
      const start = i;
      let seen = 0;
      while (f & TOKEN) {
        seen |= f;
        i++;
        if (i === n) break;
        f = CLASS[text.charCodeAt(i)] as number;
      }
      if (source !== null && i - start >= MIN_ENCODED_RUN && mayHoldRun(seen, text, i))
        pushTokenRuns(runs, source, start, i);
      if ((seen & ~LETTER & ~NOT_HEX) !== 0)
        readMixedToken(st, text, start, i, seen, leetWords, removed);
      else if (i - start === 1) singleLetter(st, start);
      else st.singles = 0;
      continue;
    }
    // A separator: only blank runs need work.
    i++;
    if (!(f & (BLANK | NEWLINE))) continue;
    const c = text.charCodeAt(i - 1);
    if (c === 10) st.singles = 0;
    if (i === n || !((CLASS[text.charCodeAt(i)] as number) & (BLANK | NEWLINE))) {
      if (c === 32 || c === 10) continue; // a single space or line break stays
    }
    let end = i;
    let newline = c === 10;
    while (end < n && (CLASS[text.charCodeAt(end)] as number) & (BLANK | NEWLINE)) {
      if (text.charCodeAt(end) === 10) newline = true;
      end++;
    }
    out += text.slice(copied, i - 1) + (newline ? '\n' : ' ');
    removed += end - i;
    copied = end;
    if (newline) st.singles = 0;
    i = end;
  }
  const collapsed = copied === 0 ? text : out + text.slice(copied);
  return { collapsed, leet: st.leet, leetWords, spacedLetters: st.spacedLetters, runs };
}

/** Each ASCII character as itself, the leetspeak digits and symbols as the letters they stand for. */
const LEET_LETTER = Array.from(
  { length: 128 },
  (_, c) => LEET[String.fromCharCode(c)] ?? String.fromCharCode(c),
);

/** `collapsed` with the leetspeak of the given words decoded (`pr3v10us` becomes `previous`). */
function decodeLeet(collapsed: string, words: number[]): string {
  let out = '';
  let copied = 0;
  for (let w = 0; w < words.length; w += 2) {
    const start = words[w] as number;
    const end = words[w + 1] as number;
    let word = '';
    for (let k = start; k < end; k++) word += LEET_LETTER[collapsed.charCodeAt(k)] as string;
    out += collapsed.slice(copied, start) + word;
    copied = end;
  }
  return out + collapsed.slice(copied);
}

export function normalizeText(text: string): NormalizedText {
  const ascii = !NON_ASCII.test(text);
  const nfkc = ascii ? text : text.normalize('NFKC');
  const cased = ascii ? text : revealHidden(nfkc);
  let lower = cased.toLowerCase();
  let disguised = cased.length !== nfkc.length;
  if (!ascii && FOLDABLE.test(lower)) {
    disguised ||= LOOKALIKE.test(lower);
    LOOKALIKE.lastIndex = 0;
    lower = foldLetters(lower);
  }
  // Lower-casing ASCII keeps every index, so one pass serves both texts.
  const sameIndices = lower.length === cased.length && !lower.includes('\\_');
  const scan = scanCharacters(
    sameIndices ? lower : lower.replaceAll('\\_', '_'),
    sameIndices ? cased : null,
  );
  const runs = sameIndices ? scan.runs : scanCharacters(cased, cased).runs;
  const folded =
    scan.leet && scan.leetWords.length > 0
      ? decodeLeet(scan.collapsed, scan.leetWords)
      : scan.collapsed;
  return { cased, folded, disguised, spacedLetters: scan.spacedLetters, encodedRuns: runs };
}

/** Letters only: `i.g.n.o.r.e a-l-l` becomes `ignoreall`. */
export function squash(folded: string): string {
  return folded.replace(NOT_LETTER, '');
}
