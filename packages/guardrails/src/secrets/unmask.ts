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

/** Unmasked forms by code point, filled as characters are met (the same few recur in a text). */
const cache = new Map<number, string>();
const MAX_CACHED = 8192;

function unmasked(char: string, cp: number): string {
  let out = cache.get(cp);
  if (out === undefined) {
    out = unmaskCodePoint(char);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(cp, out);
  }
  return out;
}

/**
 * The unmasked text, cut into segments: a run the view copies from the original, or the view of
 * one changed code point (none, one or more characters). Only changed code points start segments,
 * so most of a text maps back by an offset.
 */
export interface UnmaskedView {
  text: string;
  /** Where each segment starts in the view, ascending. */
  viewStarts: number[];
  /** Where each segment starts in the original. */
  sourceStarts: number[];
  /** 0 for a copied run; the original width (1 or 2) of a changed code point. */
  widths: number[];
  /** The original text. */
  source: string;
}

const NON_ASCII_RUN = re(/[\u0080-\uffff]+/g);
const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** The view of `text`, or null when nothing in it is disguised (every ASCII text, most others). */
export function unmask(text: string): UnmaskedView | null {
  // An ASCII text is its own view; its UTF-8 length tells so faster than a search.
  if (Buffer.byteLength(text, 'utf8') === text.length) return null;
  let view: UnmaskedView | null = null;
  // The original is copied into the view up to here.
  let copied = 0;
  NON_ASCII_RUN.lastIndex = 0;
  for (let run = NON_ASCII_RUN.exec(text); run !== null; run = NON_ASCII_RUN.exec(text)) {
    const end = run.index + run[0].length;
    for (let i = run.index; i < end; ) {
      const width = isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
      const char = text.slice(i, i + width);
      const shown = unmasked(char, char.codePointAt(0) as number);
      if (shown !== char) {
        view ??= { text: '', viewStarts: [], sourceStarts: [], widths: [], source: text };
        if (i > copied) segment(view, copied, text.slice(copied, i), 0);
        segment(view, i, shown, width);
        copied = i + width;
      }
      i += width;
    }
  }
  NON_ASCII_RUN.lastIndex = 0;
  if (view !== null && copied < text.length) segment(view, copied, text.slice(copied), 0);
  return view;
}

function segment(view: UnmaskedView, sourceStart: number, text: string, width: number): void {
  view.viewStarts.push(view.text.length);
  view.sourceStarts.push(sourceStart);
  view.widths.push(width);
  view.text += text;
}

/** The last index of the ascending `starts` whose value is at or before `index`. */
function lastAtOrBefore(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((starts[mid] as number) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index in the original text of the view's character `i` (the text's length past the end). */
export function sourceIndex(view: UnmaskedView, i: number): number {
  if (i >= view.text.length) return view.source.length;
  const k = lastAtOrBefore(view.viewStarts, i);
  const start = view.sourceStarts[k] as number;
  return view.widths[k] === 0 ? start + i - (view.viewStarts[k] as number) : start;
}

/** Index in the original text just after the code point that gave the view's character `i`. */
export function sourceEnd(view: UnmaskedView, i: number): number {
  const k = lastAtOrBefore(view.viewStarts, i);
  const start = view.sourceStarts[k] as number;
  const width = view.widths[k] as number;
  return width === 0 ? start + i - (view.viewStarts[k] as number) + 1 : start + width;
}

/** The first index of the view whose character comes from `index` of the original or later. */
export function viewIndex(view: UnmaskedView, index: number): number {
  if (index <= 0) return 0;
  if (index >= view.source.length) return view.text.length;
  const lo = lastAtOrBefore(view.sourceStarts, index);
  const start = view.sourceStarts[lo] as number;
  const viewStart = view.viewStarts[lo] as number;
  if (view.widths[lo] === 0) return viewStart + index - start;
  // Inside or at a changed code point: its view, or the next segment's.
  return index === start ? viewStart : (view.viewStarts[lo + 1] ?? view.text.length);
}

/** The text ends in the first half of a surrogate pair, whose second half may still arrive. */
export function endsInHighSurrogate(text: string): boolean {
  return text.length > 0 && isHigh(text.charCodeAt(text.length - 1));
}
