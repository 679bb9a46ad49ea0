import { Buffer } from 'node:buffer';
import type { AnchorHits, AnchorTrie } from './injection/anchors.ts';
import { re } from './patterns.ts';
import { type InputBytes, MAX_BYTES_PER_UNIT, type ScanOutput, WasmScan } from './wasm-scan.ts';

// Undoes the usual ways of hiding words from a filter before the rules read a text: compatibility
// forms (fullwidth, mathematical letters), invisible and bidi controls, Unicode tag characters
// ("ASCII smuggling"), accents, Cyrillic and Greek look-alikes, leetspeak and separators inside
// words. Pure ASCII text takes a fast path: only the character pass, in WebAssembly, which
// lower-cases, collapses blank runs and notices leetspeak and spaced-out letters.

const NON_ASCII = re(/[\u0080-\uffff]/);
/** Every code unit is ASCII: its UTF-8 is as long as it (measured natively, faster than a search). */
const isAscii = (text: string): boolean => Buffer.byteLength(text, 'utf8') === text.length;
// Sets of UTF-16 code units, each written once as the body of a character class: the passes below
// read them as tables, a code unit at a time (a regular expression that replaces each of many
// matches costs far more), and FOLDABLE reads them in its regular expression.
/** Invisible characters: format controls and fillers, then the invisible combining marks. */
const INVISIBLE_UNITS =
  '\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\u17b4\u17b5';
/** Invisible variation selectors beyond the BMP (U+E0100-E01EF): U+DB40, then one of these. */
const SUPPLEMENT_SELECTOR_FIRST = 0xdd00;
const SUPPLEMENT_SELECTOR_LAST = 0xddef;
const TAG_CHARACTER = re(/\udb40([\udc00-\udc7f])/g);
const COMBINING_UNITS = '\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f';
const BLANK_UNITS = '\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';

// Letters that render like Latin ones: Cyrillic, Greek and a few others, mapped to lower case.
export const LOOKALIKES: Record<string, string> = {
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
const LOOKALIKE = re(new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`));
/**
 * Characters `foldLetters` may change: letters that decompose into accents, combining marks,
 * look-alikes, Unicode blanks. Text without any (after NFKC: emoji, dashes, quotes) is left alone.
 */
const FOLDABLE_UNITS = `${BLANK_UNITS}\u00c0-\u02ff\u0370-\u052f\u1e00-\u1fff\u2113${COMBINING_UNITS}`;
const FOLDABLE = re(new RegExp(`[${classSource(FOLDABLE_UNITS)}]`));

/** What a rewriting pass does with each code unit: keeps it, drops it, or writes another. */
const KEEP = 0;
const DROP = 0xffff;
const INVISIBLE = unitTable([[INVISIBLE_UNITS, DROP]]);
/** What `rewriteUnits(…, INVISIBLE, true)` drops, one match at a time. */
const HIDDEN = re(new RegExp(`[${classSource(INVISIBLE_UNITS)}]|\\udb40[\\udd00-\\uddef]`, 'g'));
/** Accents and other combining marks dropped, look-alikes written as the Latin letter. */
const UNACCENT = unitTable([
  [COMBINING_UNITS, DROP],
  ...Object.entries(LOOKALIKES).map(([from, to]): [string, number] => [from, to.charCodeAt(0)]),
]);
const BLANKS = unitTable([[BLANK_UNITS, 32]]);

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
  /** Where the normaliser's anchors occur in `folded` (null for a normaliser without anchors). */
  anchors: AnchorHits | null;
}

/** Tag characters turned back into the ASCII they hide, invisible characters removed. */
export function revealHidden(text: string): string {
  // Tag characters are surrogate pairs led by U+DB40: most texts have none to replace.
  const revealed = text.includes('\udb40')
    ? text.replace(TAG_CHARACTER, (_, low: string) =>
        String.fromCharCode(low.charCodeAt(0) - 0xdc00),
      )
    : text;
  // Most texts have none or a few (an emoji's variation selector): a regular expression finds
  // them faster than the pass, which is for texts with many.
  let out = '';
  let copied = 0;
  let seen = 0;
  HIDDEN.lastIndex = 0;
  for (let m = HIDDEN.exec(revealed); m !== null; m = HIDDEN.exec(revealed)) {
    if (dense(++seen, m.index)) {
      HIDDEN.lastIndex = 0;
      return rewriteUnits(revealed, INVISIBLE, true);
    }
    out += revealed.slice(copied, m.index);
    copied = HIDDEN.lastIndex;
  }
  return seen === 0 ? revealed : out + revealed.slice(copied);
}

/**
 * Accents removed (NFD, combining marks dropped, NFC), look-alikes and blanks mapped. Most texts
 * are folded a code unit at a time instead (see `foldedUnit`): the same result without the two
 * normalisations, which cost most of the time on text in other scripts.
 */
export function foldLetters(lower: string): string {
  return foldNoting(lower).folded;
}

/**
 * `foldLetters`, noting whether `lower` has a look-alike (null: not known, it was folded a unit at
 * a time or by the normalisations).
 */
function foldNoting(lower: string): { folded: string; lookalike: boolean | null } {
  // Text with a few characters beyond ASCII: only those are looked at, the rest is copied by slices.
  let lookalike = 0;
  let out = '';
  let copied = 0;
  let seen = 0;
  BEYOND_ASCII.lastIndex = 0;
  for (let m = BEYOND_ASCII.exec(lower); m !== null; m = BEYOND_ASCII.exec(lower)) {
    if (dense(++seen, m.index)) return { folded: foldDense(lower), lookalike: null };
    const at = m.index;
    const code = lower.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = lower.charCodeAt(at + 1);
      if (code > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff) || !plainStarter(m[0] + lower[at + 1]))
        return { folded: foldByNormalising(lower), lookalike: null };
      BEYOND_ASCII.lastIndex = at + 2;
      continue;
    }
    const folded = foldedOf(code);
    if (folded === COMPLEX) return { folded: foldByNormalising(lower), lookalike: null };
    lookalike |= LOOKALIKE_UNIT[code] as number;
    if (folded === code) continue;
    out += lower.slice(copied, at);
    if (folded !== DROP) out += String.fromCharCode(folded);
    copied = at + 1;
  }
  const folded = copied === 0 ? lower : out + lower.slice(copied);
  return { folded, lookalike: lookalike !== 0 };
}

/** Characters beyond ASCII, one code unit at a time. */
const BEYOND_ASCII = re(/[\u0080-\uffff]/g);
/**
 * `foldLetters` and `revealHidden` search for the characters they change and copy the rest by
 * slices, until these are more than SPARSE_MIN and more than one in SPARSE_GAP characters so far:
 * then each slice costs more than a visit to every code unit, which they turn to.
 */
const SPARSE_MIN = 64;
const SPARSE_GAP = 32;
const dense = (seen: number, at: number): boolean => seen > SPARSE_MIN && seen * SPARSE_GAP > at;

/** `foldLetters` a code unit at a time, for text with many characters beyond ASCII. */
function foldDense(lower: string): string {
  const length = lower.length;
  const units = scratch.length >= length ? scratch : new Uint16Array(length);
  if (units.length <= KEEP_UNITS) scratch = units;
  let n = 0;
  let widest = 0;
  for (let i = 0; i < length; i++) {
    const code = lower.charCodeAt(i);
    if (code < 0x80) {
      units[n++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      // A character beyond the BMP: kept if it is a plain starter, as the normalisations keep it.
      const point = lower.codePointAt(i) as number;
      if (point <= 0xffff || !plainStarter(String.fromCodePoint(point)))
        return foldByNormalising(lower);
      units[n++] = code;
      units[n++] = lower.charCodeAt(++i);
      widest |= code;
      continue;
    }
    const folded = foldedOf(code);
    if (folded === COMPLEX) return foldByNormalising(lower);
    if (folded === DROP) continue;
    units[n++] = folded;
    widest |= folded;
  }
  return unitsText(units, n, widest);
}

/** What folding writes for the BMP code unit `code` (see `foldedUnit`), remembered. */
function foldedOf(code: number): number {
  let folded = FOLDED_UNIT[code] as number;
  if (folded === UNKNOWN) {
    folded = foldedUnit(String.fromCharCode(code));
    FOLDED_UNIT[code] = folded;
  }
  return folded;
}

/**
 * Pieces are normalised apart while there are at most this many, or fewer than one in this many
 * characters (a text in another script, words between spaces, is normalised whole).
 */
const SPARSE_MIN_PIECES = 16;
const SPARSE_PIECE_GAP = 256;

/**
 * `foldLetters` by the normalisations, applied only to each run of characters beyond ASCII with
 * the character before it: an ASCII character neither decomposes, nor is reordered, nor composes
 * with a character before it, and nothing after it composes across it, so the normalisations of
 * the whole text are those of these pieces between the ASCII text (a few accented names in an
 * English text cost no pass over all of it). Past a few pieces, the rest is one piece.
 */
function foldByNormalising(lower: string): string {
  let out = '';
  let copied = 0;
  let pieces = 0;
  BEYOND_ASCII.lastIndex = 0;
  for (let m = BEYOND_ASCII.exec(lower); m !== null; m = BEYOND_ASCII.exec(lower)) {
    const start = Math.max(copied, m.index - 1);
    if (++pieces > SPARSE_MIN_PIECES && pieces * SPARSE_PIECE_GAP > m.index) {
      // Many pieces (a text in another script, words between spaces): the rest in one piece.
      out += lower.slice(copied, start) + foldPiece(lower.slice(start));
      copied = lower.length;
      break;
    }
    let end = m.index + 1;
    while (end < lower.length && lower.charCodeAt(end) >= 0x80) end++;
    out += lower.slice(copied, start) + foldPiece(lower.slice(start, end));
    copied = end;
    BEYOND_ASCII.lastIndex = end;
  }
  BEYOND_ASCII.lastIndex = 0;
  return copied === 0 ? lower : out + lower.slice(copied);
}

function foldPiece(piece: string): string {
  return rewriteUnits(
    rewriteUnits(piece.normalize('NFD'), UNACCENT, false).normalize('NFC'),
    BLANKS,
    false,
  );
}

// Folding a code unit at a time gives what the normalisations give when every character of the
// text decomposes into one plain starter and combining marks that are dropped (or is such a mark):
// canonical reordering moves only marks, which are dropped, and NFC composes a starter only with
// a mark or a jamo (or the like) that follows it, and none is left.
const UNKNOWN = -1;
const COMPLEX = -2;
/** By code unit (BMP): what folding writes for it (DROP: nothing), COMPLEX, or UNKNOWN yet. */
const FOLDED_UNIT = new Int32Array(0x10000).fill(UNKNOWN);
const MARK = re(/\p{M}/u);
/** Characters other than marks that NFC may compose with a character before them: conjoining
 * jamo and the like (a test checks every decomposition for others). */
export const COMPOSING_STARTERS: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x11ff],
  [0xa960, 0xa97f],
  [0xd7b0, 0xd7ff],
  [0x16d40, 0x16d7f],
];
const plainStarterCache = new Map<string, boolean>();

/** A character NFD leaves alone that is no mark and composes with nothing before it. */
function plainStarter(ch: string): boolean {
  let plain = plainStarterCache.get(ch);
  if (plain === undefined) {
    const point = ch.codePointAt(0) as number;
    plain =
      ch.normalize('NFD') === ch &&
      !MARK.test(ch) &&
      !COMPOSING_STARTERS.some(([from, to]) => point >= from && point <= to);
    plainStarterCache.set(ch, plain);
  }
  return plain;
}

/** What folding writes for a BMP character `ch`: one code unit, DROP, or COMPLEX. */
function foldedUnit(ch: string): number {
  const action = UNACCENT[ch.charCodeAt(0)] as number;
  if (action === DROP) return DROP; // a combining mark
  if (ch.charCodeAt(0) === DROP) return COMPLEX; // U+FFFF, which the table cannot write
  const decomposed = ch.normalize('NFD');
  const starter = decomposed.charCodeAt(0);
  if (decomposed.length > 1 && (decomposed.codePointAt(0) as number) > 0xffff) return COMPLEX;
  for (let i = 1; i < decomposed.length; i++) {
    if (UNACCENT[decomposed.charCodeAt(i)] !== DROP) return COMPLEX;
  }
  if (!plainStarter(String.fromCharCode(starter))) return COMPLEX;
  const unaccented = UNACCENT[starter] === KEEP ? starter : (UNACCENT[starter] as number);
  const blank = BLANKS[unaccented] as number;
  return blank === KEEP ? unaccented : blank;
}

/** The body of a character class with every code unit escaped (a range's `-` kept). */
function classSource(units: string): string {
  let source = '';
  for (let i = 0; i < units.length; i++) {
    const code = units.charCodeAt(i);
    source += code === 45 ? '-' : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return source;
}

/** A table of what to do with each code unit: `sets` pairs a class body with KEEP, DROP or a code unit. */
function unitTable(sets: ReadonlyArray<readonly [string, number]>): Uint16Array {
  const table = new Uint16Array(0x10000);
  for (const [units, action] of sets) {
    for (let i = 0; i < units.length; i++) {
      const from = units.charCodeAt(i);
      const ranged = units[i + 1] === '-' && i + 2 < units.length;
      const to = ranged ? units.charCodeAt(i + 2) : from;
      table.fill(action, from, to + 1);
      if (ranged) i += 2;
    }
  }
  return table;
}

/** Scratch memory of the rewriting passes (each runs to completion before the next). */
let scratch = new Uint16Array(4096);
let scratchBytes = new Uint8Array(4096);
/** Scratch grown past this (a huge text) is not kept for the next call. */
const KEEP_UNITS = 1 << 20;

/** `units[0, length)` as a string: a one-byte string when every unit is below 256 (`widest`). */
function unitsText(units: Uint16Array, length: number, widest: number): string {
  if (widest >= 256) return Buffer.from(units.buffer, 0, length * 2).toString('utf16le');
  const bytes = scratchBytes.length >= length ? scratchBytes : new Uint8Array(length);
  bytes.set(units.subarray(0, length));
  if (bytes.length <= KEEP_UNITS) scratchBytes = bytes;
  return Buffer.from(bytes.buffer, 0, length).toString('latin1');
}

/**
 * `text` with each code unit kept, dropped or replaced as `table` says; with `selectors`, the
 * invisible variation selectors beyond the BMP are dropped too. Text that needs no change is
 * returned as it is.
 */
function rewriteUnits(text: string, table: Uint16Array, selectors: boolean): string {
  const length = text.length;
  const isSelector = (i: number): boolean => {
    const low = text.charCodeAt(i + 1);
    return low >= SUPPLEMENT_SELECTOR_FIRST && low <= SUPPLEMENT_SELECTOR_LAST;
  };
  let first = 0;
  for (; first < length; first++) {
    const code = text.charCodeAt(first);
    if (table[code] !== KEEP || (selectors && code === 0xdb40 && isSelector(first))) break;
  }
  if (first === length) return text;
  const units = scratch.length >= length ? scratch : new Uint16Array(length);
  if (units.length <= KEEP_UNITS) scratch = units;
  // The unchanged start is copied too: a flat string is faster to read than a concatenation.
  let n = 0;
  let widest = 0;
  for (; n < first; n++) {
    const code = text.charCodeAt(n);
    units[n] = code;
    widest |= code;
  }
  for (let i = first; i < length; i++) {
    const code = text.charCodeAt(i);
    const action = table[code] as number;
    if (action === DROP) continue;
    if (selectors && code === 0xdb40 && isSelector(i)) {
      i++;
      continue;
    }
    const out = action === KEEP ? code : action;
    units[n++] = out;
    widest |= out;
  }
  return unitsText(units, n, widest);
}

// Lower case a code unit at a time, from a table: `toLowerCase` on text in other scripts costs
// more than all the folding. Every BMP character lower-cases to one code unit whatever surrounds
// it, but for capital sigma (final or not by context) and the few that become two code units.
const NO_LOWER = -3;
/** By BMP code unit: its lower case, NO_LOWER, or UNKNOWN yet. */
const LOWER_UNIT = new Int32Array(0x10000).fill(UNKNOWN);
const CAPITAL_SIGMA = 0x3a3;
const unchangedByLower = new Map<number, boolean>();
function lowerUnit(code: number): number {
  let lower = LOWER_UNIT[code] as number;
  if (lower === UNKNOWN) {
    const lowered = String.fromCharCode(code).toLowerCase();
    lower = lowered.length === 1 && code !== CAPITAL_SIGMA ? lowered.charCodeAt(0) : NO_LOWER;
    LOWER_UNIT[code] = lower;
  }
  return lower;
}

// What the folding pass of `writeLowered` needs to know of a BMP code unit, in one table: the
// unit its lower case folds to (DROP: none) in the low 16 bits, and what it met as flags.
const LOWER_FOLDED = new Int32Array(0x10000).fill(UNKNOWN);
/** The lower case is a character FOLDABLE matches. */
const FOLDABLE_BIT = 1 << 16;
const LOOKALIKE_BIT = 1 << 17;
/** Folding changes a lower case FOLDABLE does not match. */
const CHANGED_UNFOLDABLE_BIT = 1 << 18;
/** The lower case needs the normalisations, or the character has no context-free lower case. */
const STRING_PATH_BIT = 1 << 19;
const FOLDABLE_UNIT = unitTable([[FOLDABLE_UNITS, 1]]);
const LOOKALIKE_UNIT = unitTable(Object.keys(LOOKALIKES).map((ch): [string, number] => [ch, 1]));

function lowerFolded(code: number): number {
  let entry = LOWER_FOLDED[code] as number;
  if (entry === UNKNOWN) {
    const lower = lowerUnit(code);
    const folded = lower === NO_LOWER ? COMPLEX : foldedOf(lower);
    if (folded === COMPLEX) entry = STRING_PATH_BIT;
    else {
      const foldable = FOLDABLE_UNIT[lower] === 1;
      entry =
        folded |
        (foldable ? FOLDABLE_BIT : 0) |
        (LOOKALIKE_UNIT[lower] === 1 ? LOOKALIKE_BIT : 0) |
        (folded !== lower && !foldable ? CHANGED_UNFOLDABLE_BIT : 0);
    }
    LOWER_FOLDED[code] = entry;
  }
  return entry;
}

/**
 * Every character of `text` beyond ASCII is its own lower case and folds to itself (as the string
 * path reads it: no look-alike, accent or blank, nothing for the normalisations), and the text
 * has few of them (more, and the unit path is cheaper than this search).
 */
function foldsToItself(text: string): boolean {
  let seen = 0;
  BEYOND_ASCII.lastIndex = 0;
  for (let m = BEYOND_ASCII.exec(text); m !== null; m = BEYOND_ASCII.exec(text)) {
    const at = m.index;
    if (dense(++seen, at)) return false;
    const code = text.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdfff) {
      const point = text.codePointAt(at) as number;
      if (point <= 0xffff) return false; // a lone surrogate
      let same = unchangedByLower.get(point);
      const ch = String.fromCodePoint(point);
      if (same === undefined) {
        same = ch.toLowerCase() === ch;
        unchangedByLower.set(point, same);
      }
      if (!same || !plainStarter(ch)) return false;
      BEYOND_ASCII.lastIndex = at + 2;
      continue;
    }
    const entry = lowerFolded(code);
    if ((entry & STRING_PATH_BIT) !== 0 || (entry & 0xffff) !== code || lowerUnit(code) !== code)
      return false;
  }
  return true;
}

/** Units sampled after the first beyond ASCII to choose between the string and the unit path. */
const SAMPLE_UNITS = 256;

/**
 * A quarter of the units after the first beyond ASCII are beyond it too: the text is lower-cased
 * and folded a unit at a time (`writeLowered`), which costs a few nanoseconds per unit whatever the
 * script; `toLowerCase` costs far more on other scripts and far less on text that is mostly ASCII.
 */
function mostlyBeyondAscii(text: string): boolean {
  const first = text.search(NON_ASCII);
  if (first === -1) return false;
  const end = Math.min(text.length, first + SAMPLE_UNITS);
  let beyond = 0;
  for (let i = first; i < end; i++) if (text.charCodeAt(i) >= 0x80) beyond++;
  return beyond * 4 >= end - first;
}

/** What `writeLowered` wrote: its bytes, and what it met on the way. */
interface Lowered extends InputBytes {
  /** A character the folding changes (`FOLDABLE` matches the lower case). */
  foldable: boolean;
  /** A look-alike letter. */
  lookalike: boolean;
  /** The folding changed a character that `FOLDABLE` does not match (`≠` into `=`). */
  changedUnfoldable: boolean;
}

/**
 * Writes `text` as the string path reads it, in one pass, as UTF-8 at `bytes[at]`: lower-cased,
 * folded as `foldLetters` folds when `fold`, each backslash before an underscore dropped (a
 * Markdown-escaped `\_` is read as `_`, as `replaceAll` reads it). Null for a text this cannot
 * write (a character whose lower case depends on context or is longer, a lone surrogate, one
 * that needs the normalisations), which takes the string path.
 */
function writeLowered(text: string, fold: boolean, bytes: Uint8Array, at: number): Lowered | null {
  const length = text.length;
  let n = at;
  let widest = 0;
  /** The flags of `LOWER_FOLDED` of every character beyond ASCII. */
  let met = 0;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code >= 65 && code <= 90) code += 32;
      // The escape's backslash is the last byte written (no byte of a longer character is 92).
      else if (code === 95 && n > at && bytes[n - 1] === 92) {
        bytes[n - 1] = 95;
        continue;
      }
      bytes[n++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const point = text.codePointAt(i) as number;
      if (point <= 0xffff) return null;
      let same = unchangedByLower.get(point);
      if (same === undefined) {
        const ch = String.fromCodePoint(point);
        same = ch.toLowerCase() === ch;
        unchangedByLower.set(point, same);
      }
      if (!same || (fold && !plainStarter(String.fromCodePoint(point)))) return null;
      bytes[n++] = 0xf0 | (point >> 18);
      bytes[n++] = 0x80 | ((point >> 12) & 63);
      bytes[n++] = 0x80 | ((point >> 6) & 63);
      bytes[n++] = 0x80 | (point & 63);
      widest = 0xffff;
      i++;
      continue;
    }
    if (fold) {
      const entry = lowerFolded(code);
      met |= entry;
      if ((entry & STRING_PATH_BIT) !== 0) return null;
      code = entry & 0xffff;
      if (code === DROP) continue;
    } else {
      code = lowerUnit(code);
      if (code === NO_LOWER) return null;
      met |= FOLDABLE_UNIT[code] === 1 ? FOLDABLE_BIT : 0;
    }
    widest |= code;
    if (code < 0x80) {
      if (code === 95 && n > at && bytes[n - 1] === 92) bytes[n - 1] = 95;
      else bytes[n++] = code;
    } else if (code < 0x800) {
      bytes[n++] = 0xc0 | (code >> 6);
      bytes[n++] = 0x80 | (code & 63);
    } else {
      bytes[n++] = 0xe0 | (code >> 12);
      bytes[n++] = 0x80 | ((code >> 6) & 63);
      bytes[n++] = 0x80 | (code & 63);
    }
  }
  return {
    length: n - at,
    ascii: widest < 0x80,
    foldable: (met & FOLDABLE_BIT) !== 0,
    lookalike: (met & LOOKALIKE_BIT) !== 0,
    changedUnfoldable: (met & CHANGED_UNFOLDABLE_BIT) !== 0,
  };
}

/**
 * Writes what the string path hands the character pass, `foldLetters` of the lower case when
 * FOLDABLE matches it (else the lower case) with `\_` read as `_`, as UTF-8 at `bytes[at]`
 * (room for MAX_BYTES_PER_UNIT bytes per code unit): null when only the string path can. A look-
 * alike counts only in folded text, as there. The first pass folds; the text is written again
 * unfolded in the rare case that it has nothing FOLDABLE matches and folding changed a character.
 */
export function writeLoweredText(text: string, bytes: Uint8Array, at: number): Lowered | null {
  const folded = writeLowered(text, true, bytes, at);
  if (folded === null || folded.foldable || !folded.changedUnfoldable) {
    return folded === null ? null : { ...folded, lookalike: folded.foldable && folded.lookalike };
  }
  return writeLowered(text, false, bytes, at);
}

/** A run of base64 or hex characters that may hide an encoded payload. */
export interface EncodedRun {
  start: number;
  end: number;
  /** Only hex digits. */
  hex: boolean;
  /** Upper and lower case letters and either digits or padding: plausible base64. */
  base64: boolean;
}

const RUN_HEX = 1;
/** A token of the character pass (letters, digits, `+/_-@$`) long enough to hold an encoded run
 * (tried only where a token starts: tried along a token, each place would read the rest of it). */
const LONG_TOKEN = re(/(?<![A-Za-z0-9+/_@$-])[A-Za-z0-9+/_@$-]{16}/);
const RUN_BASE64 = 2;

interface Fold {
  folded: string;
  spacedLetters: boolean;
  runs: EncodedRun[];
  anchors: AnchorHits | null;
}

/** The encoded runs the character pass found. */
function readRuns(output: ScanOutput): EncodedRun[] {
  const runs: EncodedRun[] = [];
  const end = (output.results[3] as number) + (output.results[4] as number) * 12;
  for (let at = output.results[3] as number; at < end; at += 12) {
    const flags = output.int32(at + 8);
    runs.push({
      start: output.int32(at),
      end: output.int32(at + 4),
      hex: (flags & RUN_HEX) !== 0,
      base64: (flags & RUN_BASE64) !== 0,
    });
  }
  return runs;
}

/**
 * A normaliser; with `trie`, it also finds the trie's anchors in the folded text.
 *
 * Its character pass (wasm/scan.ts `fold`) lower-cases the text, collapses blank runs into one
 * space (or one line break if they hold one), and decodes leetspeak (`pr3v10us`, `1gnore`) in the
 * words that mix letters with digits, `@` or `$` when the text reads as leetspeak somewhere; it
 * notes spaced-out single letters and collects the runs that may be encoded payloads.
 */
export function textNormalizer(): (text: string) => NormalizedText;
export function textNormalizer(
  trie: AnchorTrie,
): (text: string) => NormalizedText & { anchors: AnchorHits };
export function textNormalizer(trie?: AnchorTrie): (text: string) => NormalizedText {
  const scan = new WasmScan((exports) => trie?.install(exports));
  const readFold =
    (withRuns: boolean, withAnchors: boolean) =>
    (output: ScanOutput): Fold => ({
      folded: output.text(output.results[0] as number, output.results[1] as number),
      spacedLetters: output.results[2] === 1,
      runs: withRuns ? readRuns(output) : [],
      anchors: withAnchors ? (trie?.read(output) ?? null) : null,
    });
  const fold = (text: string, ascii: boolean, withRuns: boolean, withAnchors: boolean): Fold =>
    scan.run(
      text,
      ascii,
      (exports, length) => exports.fold(length, withRuns ? 1 : 0, withAnchors ? 1 : 0),
      readFold(withRuns, withAnchors),
    );
  const findAnchors = trie !== undefined;
  // The character pass over `text` as `writeLoweredText` writes it.
  const foldLowered = (
    text: string,
    withAnchors: boolean,
  ): (Fold & { lookalike: boolean }) | null => {
    let lookalike = false;
    const write = (bytes: Buffer, at: number): Lowered | null => {
      const written = writeLoweredText(text, bytes, at);
      lookalike = written?.lookalike ?? false;
      return written;
    };
    const found = scan.runWith(
      text.length * MAX_BYTES_PER_UNIT,
      write,
      (exports, bytes) => exports.fold(bytes, 0, withAnchors ? 1 : 0),
      readFold(false, withAnchors),
    );
    return found === null ? null : { ...found, lookalike };
  };
  /** The encoded runs of `text` alone (the pass's folded output is not read). Runs come only
   * from tokens of 16 characters or more: without one, no pass is needed. */
  const runsOf = (text: string, ascii: boolean): EncodedRun[] =>
    LONG_TOKEN.test(text)
      ? scan.run(text, ascii, (exports, length) => exports.fold(length, 1, 0), readRuns)
      : [];

  return (text) => {
    let cased = text;
    let disguised = false;
    let ascii = isAscii(text);
    if (!ascii) {
      const nfkc = text.normalize('NFKC');
      cased = revealHidden(nfkc);
      disguised = cased.length !== nfkc.length;
      // Compatibility forms and hidden characters undone, many a disguised text is ASCII.
      ascii = isAscii(cased);
    }
    // The character pass lower-cases ASCII itself and reads case only for the runs, so an ASCII
    // text is read in one pass. A Markdown-escaped underscore (`\_`) is read as `_`, which shifts
    // indices: the runs, which index the cased text, are then collected apart.
    if (ascii && !cased.includes('\\_')) {
      const { folded, spacedLetters, runs, anchors } = fold(cased, true, true, findAnchors);
      return { cased, folded, disguised, spacedLetters, encodedRuns: runs, anchors };
    }
    // Characters beyond ASCII that lower-casing and folding leave as they are (`’`, `—`, `🙂`):
    // the character pass lower-cases the rest itself, so one pass over the text also collects the
    // runs, as for ASCII.
    if (!ascii && !cased.includes('\\_') && foldsToItself(cased)) {
      const { folded, spacedLetters, runs, anchors } = fold(cased, false, true, findAnchors);
      return { cased, folded, disguised, spacedLetters, encodedRuns: runs, anchors };
    }
    if (!ascii && mostlyBeyondAscii(cased)) {
      const lowered = foldLowered(cased, findAnchors);
      if (lowered !== null) {
        disguised ||= lowered.lookalike;
        const { folded, spacedLetters, anchors } = lowered;
        return {
          cased,
          folded,
          disguised,
          spacedLetters,
          encodedRuns: runsOf(cased, ascii),
          anchors,
        };
      }
    }
    let lower = cased.toLowerCase();
    if (!ascii && FOLDABLE.test(lower)) {
      const { folded, lookalike } = foldNoting(lower);
      disguised ||= lookalike ?? LOOKALIKE.test(lower);
      lower = folded;
    }
    const { folded, spacedLetters, anchors } = fold(
      lower.replaceAll('\\_', '_'),
      ascii,
      false,
      findAnchors,
    );
    return { cased, folded, disguised, spacedLetters, encodedRuns: runsOf(cased, ascii), anchors };
  };
}

/** Letters only: `i.g.n.o.r.e a-l-l` becomes `ignoreall`. */
export function squash(folded: string): string {
  // Letters are single bytes: they are written as the bytes of a one-byte string at once.
  const length = folded.length;
  const bytes = scratchBytes.length >= length ? scratchBytes : new Uint8Array(length);
  if (bytes.length <= KEEP_UNITS) scratchBytes = bytes;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const code = folded.charCodeAt(i);
    if (code >= 97 && code <= 122) bytes[n++] = code;
  }
  return Buffer.from(bytes.buffer, 0, n).toString('latin1');
}
