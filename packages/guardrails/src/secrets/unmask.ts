import { Buffer } from 'node:buffer';
import { re } from '../patterns.ts';

// A credential disguised so that a rule written for ASCII misses it, yet anyone who reads it can
// recover it: zero-width and other invisible characters inside it, soft hyphens, bidi controls,
// compatibility forms (fullwidth `ｇｈｐ＿`, mathematical letters), Unicode tag characters, Latin
// letters swapped for Cyrillic or Greek look-alikes, combining marks. The rules read
// an unmasked view of the text instead, with the index in the text of every character of the
// view, so each finding maps back to the whole disguised span and the redaction removes it all.
//
// Each code point is unmasked on its own (no rule spans two of them), so a text split anywhere
// unmasks to the concatenation of its parts' views: a stream redacts exactly as the whole text.
// Unlike the injection normaliser, case is kept (a token's case is part of it) and nothing is
// folded beyond what makes a character read as another.

/** Look-alikes of Latin letters, case kept: Cyrillic, Greek and Latin extensions. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  Ү: 'Y',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ӏ: 'I',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ү: 'y',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  α: 'a',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  υ: 'u',
  ı: 'i',
  ȷ: 'j',
  ɡ: 'g',
  ɑ: 'a',
  ǀ: 'l',
};

/**
 * Characters that show nothing: format and bidi controls, fillers, variation selectors, tag
 * characters outside ASCII, combining marks (a mark over a character of a token disguises it).
 */
const INVISIBLE = re(
  /^(?:[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]|[\u180b-\u180d\u180f\ufe00-\ufe0f]|\u17b4|\u17b5|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]|\udb40[\udc00-\udc1f\udc7f-\uddef])$/,
);
const TAG_BASE = 0xe0000;
const NON_ASCII = re(/[\u0080-\uffff]/);
/**
 * Compatibility forms that spell ASCII: fullwidth forms, superscripts and subscripts, enclosed
 * (circled, parenthesised) alphanumerics, mathematical alphanumerics.
 */
const SPELLS_ASCII = re(
  /^(?:[\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\uff01-\uff5e]|\ud835[\udc00-\udfff]|\ud83c[\udd00-\uddff])$/,
);

/**
 * What one non-ASCII code point reads as in the view. Only disguises change: typographic quotes
 * and dashes, accented letters and the like are the text's own, and leaving them alone keeps most
 * texts without a view at all.
 */
function unmaskCodePoint(char: string): string {
  if (INVISIBLE.test(char)) return '';
  const cp = char.codePointAt(0) as number;
  // A tag character spells the ASCII character it shadows ("ASCII smuggling").
  if (cp >= TAG_BASE + 0x20 && cp <= TAG_BASE + 0x7e) return String.fromCharCode(cp - TAG_BASE);
  const lookalike = LOOKALIKES[char];
  if (lookalike !== undefined) return lookalike;
  if (SPELLS_ASCII.test(char)) {
    const out = char.normalize('NFKC');
    if (!NON_ASCII.test(out)) return out;
  }
  return char;
}

/** Unmasked forms of astral code points, filled as they are met (the same few recur in a text). */
const astral = new Map<number, string | null>();
const MAX_CACHED = 4096;
/**
 * Per BMP code unit, filled as they are met: 0 not yet seen, then UNCHANGED, REMOVED, ONE (the
 * view is the single unit `bmpOne` holds) or MANY (`bmpMany` holds it).
 */
const bmpKind = new Uint8Array(0x10000);
const bmpOne = new Uint16Array(0x10000);
const bmpMany = new Map<number, string>();
const UNCHANGED = 1;
const REMOVED = 2;
const ONE = 3;
const MANY = 4;

function bmpKindOf(c: number): number {
  let kind = bmpKind[c] as number;
  if (kind === 0) {
    const char = String.fromCharCode(c);
    const view = unmaskCodePoint(char);
    if (view === char) kind = UNCHANGED;
    else if (view === '') kind = REMOVED;
    else if (view.length === 1) {
      kind = ONE;
      bmpOne[c] = view.charCodeAt(0);
    } else {
      kind = MANY;
      bmpMany.set(c, view);
    }
    bmpKind[c] = kind;
  }
  return kind;
}

/** The view of the astral code point at `i`, or null when it shows as itself. */
function astralView(text: string, i: number): string | null {
  const cp = text.codePointAt(i) as number;
  let view = astral.get(cp);
  if (view === undefined) {
    const char = text.slice(i, i + 2);
    const shown = unmaskCodePoint(char);
    view = shown === char ? null : shown;
    if (astral.size >= MAX_CACHED) astral.clear();
    astral.set(cp, view);
  }
  return view;
}

/** The unmasked text and, for each of its characters, where in the original it came from. */
export interface UnmaskedView {
  text: string;
  /** `origin[i]`: the index in the original of the code point that gave character `i`. */
  origin: Int32Array;
  /** The original text. */
  source: string;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const widthAt = (text: string, i: number): number =>
  isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;

/** Whether the view changes any code point of `text` at or after `from`. */
function changesAny(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    if (isHigh(c) && isLow(text.charCodeAt(i + 1))) {
      if (astralView(text, i) !== null) return true;
      i++;
    } else if (bmpKindOf(c) !== UNCHANGED) {
      return true;
    }
  }
  return false;
}

/**
 * The view of `text`, or null when nothing in it is disguised (every ASCII text, most others).
 * Built unit by unit into typed arrays: a wall of disguised characters costs no more per
 * character than plain text.
 */
export function unmask(text: string): UnmaskedView | null {
  // A regular expression also flattens a text built by concatenation for the reads below.
  const first = text.search(NON_ASCII);
  if (first === -1 || !changesAny(text, first)) return null;
  // Only a parenthesised or circled form grows (`⑴` is `(1)`): the arrays grow when it does.
  let units = new Uint16Array(text.length + 16);
  let origin = new Int32Array(text.length + 16);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      units[n] = c;
      origin[n++] = i++;
      continue;
    }
    let view: string | null = null;
    let width = 1;
    if (isHigh(c) && isLow(text.charCodeAt(i + 1))) {
      width = 2;
      view = astralView(text, i);
    } else {
      const kind = bmpKindOf(c);
      if (kind === REMOVED) {
        i++;
        continue;
      }
      if (kind === ONE) {
        units[n] = bmpOne[c] as number;
        origin[n++] = i++;
        continue;
      }
      if (kind === MANY) view = bmpMany.get(c) as string;
    }
    if (view === null) view = text.slice(i, i + width);
    if (n + view.length + text.length - i > units.length) {
      const size = 2 * (n + view.length + text.length - i);
      const grownUnits = new Uint16Array(size);
      grownUnits.set(units.subarray(0, n));
      units = grownUnits;
      const grownOrigin = new Int32Array(size);
      grownOrigin.set(origin.subarray(0, n));
      origin = grownOrigin;
    }
    for (let k = 0; k < view.length; k++) {
      units[n] = view.charCodeAt(k);
      origin[n++] = i;
    }
    i += width;
  }
  const viewText = Buffer.from(units.buffer, 0, 2 * n).toString('utf16le');
  return { text: viewText, origin: origin.subarray(0, n), source: text };
}

/** Index in the original text of the view's character `i` (the text's length past the end). */
export function sourceIndex(view: UnmaskedView, i: number): number {
  return i < view.origin.length ? (view.origin[i] as number) : view.source.length;
}

/** Index in the original text just after the code point that gave the view's character `i`. */
export function sourceEnd(view: UnmaskedView, i: number): number {
  const at = view.origin[i] as number;
  return at + widthAt(view.source, at);
}

/** The first index of the view whose character comes from `index` of the original or later. */
export function viewIndex(view: UnmaskedView, index: number): number {
  let lo = 0;
  let hi = view.origin.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((view.origin[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The text ends in the first half of a surrogate pair, whose second half may still arrive. */
export function endsInHighSurrogate(text: string): boolean {
  return text.length > 0 && isHigh(text.charCodeAt(text.length - 1));
}
