import { Buffer } from 'node:buffer';
import { re } from '../patterns.ts';
import { LOOKALIKE_PAIRS } from './lookalikes.generated.ts';

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

/** Look-alikes of ASCII letters and digits, by code point (generated: train/lookalikes.ts). */
const LOOKALIKES = new Map<number, string>(LOOKALIKE_PAIRS);

/**
 * Characters that show nothing, derived from Unicode properties rather than listed: default
 * ignorable code points (zero-width, joiners, variation selectors, fillers), format characters
 * (bidi controls, soft hyphen, interlinear annotation, shorthand and musical format controls,
 * Egyptian hieroglyph format controls), combining marks of every script (a mark over a character
 * of a token disguises it), and the blanks that are letters or symbols by category: the braille
 * blank and the Hangul fillers.
 */
const INVISIBLE = re(
  /^[\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u2800\u115f\u1160\u3164\uffa0]$/u,
);
const TAG_BASE = 0xe0000;
const NON_ASCII = re(/[\u0080-\uffff]/);
/** What a compatibility form that spells a token's characters folds to. */
const ASCII_ALPHANUMERIC = re(/^[A-Za-z0-9]+$/);
/** Fullwidth ASCII punctuation (`＿`, `－`): a fullwidth token keeps its separators. */
const isFullwidthAscii = (cp: number): boolean => cp >= 0xff01 && cp <= 0xff5e;

/**
 * What one non-ASCII code point reads as in the view. Only disguises change: typographic quotes
 * and dashes, accented letters and the like are the text's own, and leaving them alone keeps most
 * texts without a view at all.
 */
function unmaskCodePoint(char: string): string {
  const cp = char.codePointAt(0) as number;
  // A tag character spells the ASCII character it shadows ("ASCII smuggling").
  if (cp >= TAG_BASE + 0x20 && cp <= TAG_BASE + 0x7e) return String.fromCharCode(cp - TAG_BASE);
  if (INVISIBLE.test(char)) return '';
  // Every compatibility form that spells ASCII letters or digits: fullwidth, mathematical and
  // letterlike letters (ℎ, Kelvin K), Roman numerals, super- and subscripts, modifier letters,
  // circled forms, ligatures. Typographic punctuation (…, ‥) and blanks stay themselves.
  const folded = char.normalize('NFKC');
  if (folded !== char && (ASCII_ALPHANUMERIC.test(folded) || isFullwidthAscii(cp))) return folded;
  return LOOKALIKES.get(cp) ?? char;
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
  /** `ends[i]`: where that code point (or the entity or escape that gave it) ends. */
  ends: Int32Array;
  /** The original text. */
  source: string;
  /** Some span was reversed (right-to-left override): `origin` is not in order. */
  reordered: boolean;
  /**
   * Where a construct begins that the end of a growing text leaves open and more text may change
   * (a right-to-left span not yet closed, with markers or a backslash just before it; a
   * backslash, a reference or emphasis markers at the end): `openView` in the view, `openAt` in
   * the original; -1 when none. The rules read the view
   * as if it ended there, and a stream holds from there.
   */
  openView: number;
  openAt: number;
  /** What is open is a right-to-left span (its characters may still be reordered). */
  openSpan: boolean;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * A right-to-left span ends at its closing control, at the end of its line, or after this many
 * characters of the view: a stream holds an open span, and the cap bounds what it holds (a
 * credential displayed reversed further into a span that long is not read back).
 */
const MAX_REVERSED = 4096;
/** Right-to-left embedding, override and isolate: what follows is displayed reversed. */
const isRtlOpener = (c: number): boolean => c === 0x202b || c === 0x202e || c === 0x2067;
/** Pop directional formatting, pop directional isolate. */
const isBidiCloser = (c: number): boolean => c === 0x202c || c === 0x2069;

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
 * Markdown and HTML that render as other characters: a backslash escape, a character reference,
 * emphasis, code or strikethrough markers between two characters of a token (`gh**p_**…` renders
 * as one word). Only these make an ASCII text need a view. A run of markers with exactly one tilde
 * is not markup (see `unescapeMarkup`), so a wall of Azure-like `Q~` needs no view.
 */
const MARKUP = re(
  /\\[-_*.+/=~`]|&#?[A-Za-z0-9]{1,8};|(?<=[\w-])(?:[*`]{1,3}|~~[*`~]?|[*`]~~|~[*`]~)(?:[\w-]|\\|&)/,
);
/** The same, searched from an index of a text (`lastIndex`), without a slice of it. */
const MARKUP_FROM = re(new RegExp(MARKUP.source, 'g'));
const NON_ASCII_FROM = re(new RegExp(NON_ASCII.source, 'g'));
/**
 * A construct that the end of a growing text may have cut: hold from it. Markers count after a
 * word character or after the `;` of a reference, which renders as one (`&#x73;**`).
 */
const OPEN_MARKUP_AT_END = re(/(?:[\w;-][*`~]{1,3})?(?:\\|&#?[A-Za-z0-9]{0,8})$|[\w;-][*`~]{1,3}$/);
/** The character before markers that makes them markup (kept out of what `openMarkupStart` cuts). */
const MARKER_LEAD = re(/^[\w;-]/);

/** Where markup that the end of `text` may have cut starts (its markers, backslash or `&`), or -1. */
function openMarkupStart(text: string): number {
  const tail = text.slice(-12);
  const open = OPEN_MARKUP_AT_END.exec(tail);
  if (open === null) return -1;
  const lead = MARKER_LEAD.test(open[0]) ? 1 : 0;
  return text.length - tail.length + open.index + lead;
}

/** Emphasis, code and strikethrough take at most three markers; a longer run is a mask. */
const MAX_MARKERS = 3;
/** A map, not an object: `&toString;` must not read the object's prototype. */
const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    lowbar: '_',
    UnderBar: '_',
    period: '.',
    colon: ':',
    sol: '/',
    bsol: '\\',
    hyphen: '-',
    dash: '-',
    plus: '+',
    equals: '=',
    num: '#',
    dollar: '$',
    percnt: '%',
    excl: '!',
    commat: '@',
    ast: '*',
    nbsp: ' ',
  }),
);
const isTokenChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
const isMarker = (c: number): boolean => c === 42 || c === 96 || c === 126;
/**
 * The escapes that can stand inside a token: `\_`, `\-`, `\*`… (an escaped quote or backslash
 * in code is left alone, which keeps most code without a view).
 */
const isEscapable = (c: number): boolean =>
  c === 95 ||
  c === 45 ||
  c === 42 ||
  c === 46 ||
  c === 43 ||
  c === 47 ||
  c === 61 ||
  c === 126 ||
  c === 96;

/**
 * Builds a view unit by unit into typed arrays that grow when a unit spells several. Each pass
 * has one builder for the life of the process, so a view costs no allocation but its text: the
 * arrays of a view are overwritten by the next view of the same pass (see `unmask`).
 */
class ViewBuilder {
  units = new Uint16Array(0);
  origin = new Int32Array(0);
  ends = new Int32Array(0);
  n = 0;
  /** Empties the builder for a view of about `size` units. */
  start(size: number): this {
    this.n = 0;
    this.reserve(size + 16);
    return this;
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.units.length) return;
    const size = 2 * (this.n + extra);
    const units = new Uint16Array(size);
    units.set(this.units.subarray(0, this.n));
    this.units = units;
    const origin = new Int32Array(size);
    origin.set(this.origin.subarray(0, this.n));
    this.origin = origin;
    const ends = new Int32Array(size);
    ends.set(this.ends.subarray(0, this.n));
    this.ends = ends;
  }
  push(unit: number, from: number, to: number): void {
    this.units[this.n] = unit;
    this.origin[this.n] = from;
    this.ends[this.n++] = to;
  }
  /** Reverses the units in [from, n) as code points, the way a right-to-left override shows them. */
  reverseFrom(from: number): void {
    const { units, origin, ends } = this;
    for (let a = from, b = this.n - 1; a < b; a++, b--) {
      const u = units[a] as number;
      units[a] = units[b] as number;
      units[b] = u;
      const o = origin[a] as number;
      origin[a] = origin[b] as number;
      origin[b] = o;
      const e = ends[a] as number;
      ends[a] = ends[b] as number;
      ends[b] = e;
    }
    // A surrogate pair reversed as units is put back in order.
    for (let k = from; k + 1 < this.n; k++) {
      if (isLow(units[k] as number) && isHigh(units[k + 1] as number)) {
        const u = units[k] as number;
        units[k] = units[k + 1] as number;
        units[k + 1] = u;
        k++;
      }
    }
  }
  text(): string {
    return Buffer.from(this.units.buffer, 0, 2 * this.n).toString('utf16le');
  }
}

/** The builders of the two passes: characters, then Markdown over the characters' view. */
const CHARACTERS = new ViewBuilder();
const MARKDOWN = new ViewBuilder();

/** The view of the disguised characters of `text` (everything but Markdown). */
function unmaskCharacters(text: string, final: boolean): UnmaskedView {
  const out = CHARACTERS.start(text.length);
  let reordered = false;
  // Where the right-to-left span that is open started: in the view, and in the original.
  let rtlFrom = -1;
  let rtlAt = -1;
  for (let i = 0; i < text.length; ) {
    if (rtlFrom !== -1 && out.n - rtlFrom >= MAX_REVERSED) {
      out.reverseFrom(rtlFrom);
      reordered = true;
      rtlFrom = -1;
    }
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (c === 10 && rtlFrom !== -1) {
        // A paragraph ends every embedding.
        out.reverseFrom(rtlFrom);
        reordered = true;
        rtlFrom = -1;
      }
      out.push(c, i, i + 1);
      i++;
      continue;
    }
    // A character that shows as itself is copied as a unit (or a pair) without a slice of it: the
    // builder has room for every unit of the rest of the text that gives no more than one each.
    let view: string | null = null;
    let width = 1;
    if (isHigh(c) && isLow(text.charCodeAt(i + 1))) {
      width = 2;
      view = astralView(text, i);
      if (view === null) {
        out.push(c, i, i + 2);
        out.push(text.charCodeAt(i + 1), i, i + 2);
        i += 2;
        continue;
      }
    } else {
      const kind = bmpKindOf(c);
      if (kind === REMOVED) {
        if (rtlFrom === -1 && isRtlOpener(c)) {
          rtlFrom = out.n;
          rtlAt = i;
        } else if (rtlFrom !== -1 && isBidiCloser(c)) {
          out.reverseFrom(rtlFrom);
          reordered = true;
          rtlFrom = -1;
        }
        i++;
        continue;
      }
      if (kind === ONE || kind === UNCHANGED) {
        out.push(kind === ONE ? (bmpOne[c] as number) : c, i, i + 1);
        i++;
        continue;
      }
      view = bmpMany.get(c) as string;
    }
    out.reserve(view.length + text.length - i);
    for (let k = 0; k < view.length; k++) out.push(view.charCodeAt(k), i, i + width);
    i += width;
  }
  let openView = -1;
  let openAt = -1;
  if (rtlFrom !== -1) {
    if (final) {
      out.reverseFrom(rtlFrom);
      reordered = true;
    } else {
      openView = rtlFrom;
      openAt = rtlAt;
    }
  }
  return {
    text: out.text(),
    origin: out.origin.subarray(0, out.n),
    ends: out.ends.subarray(0, out.n),
    source: text,
    reordered,
    openView,
    openAt,
    openSpan: openView !== -1,
  };
}

/** Printable ASCII, tab and line breaks: what a reference may spell in the view. */
const isReadable = (code: number): boolean =>
  (code >= 32 && code < 127) || code === 9 || code === 10 || code === 13;
/** The longest reference read, `;` included (`&#x00073;`, `&UnderBar;`). */
const MAX_REFERENCE = 11;
const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/**
 * Decodes a character reference at `i` of `text` (`&#x73;`, `&#115;`, `&amp;`) to ASCII: its
 * length times 65536 plus the character's code, or -1. Reads at most MAX_REFERENCE characters.
 */
function entityAt(text: string, i: number): number {
  let semi = -1;
  const stop = Math.min(text.length, i + MAX_REFERENCE);
  for (let k = i + 2; k < stop; k++) {
    if (text.charCodeAt(k) === 59) {
      semi = k;
      break;
    }
  }
  if (semi === -1) return -1;
  let code = -1;
  if (text.charCodeAt(i + 1) === 35) {
    // `&#x73;` (1 to 6 hex digits) or `&#115;` (1 to 7 decimal digits).
    const hex = (text.charCodeAt(i + 2) | 32) === 120;
    const digitsFrom = hex ? i + 3 : i + 2;
    const count = semi - digitsFrom;
    if (count < 1 || count > (hex ? 6 : 7)) return -1;
    code = 0;
    for (let k = digitsFrom; k < semi; k++) {
      const c = text.charCodeAt(k);
      const digit = hex ? hexValue(c) : c >= 48 && c <= 57 ? c - 48 : -1;
      if (digit === -1) return -1;
      code = code * (hex ? 16 : 10) + digit;
    }
  } else {
    const char = NAMED_ENTITIES.get(text.slice(i + 1, semi));
    if (char !== undefined) code = char.charCodeAt(0);
  }
  return code !== -1 && isReadable(code) ? (semi + 1 - i) * 65536 + code : -1;
}

/** The character that `text` renders at `i`, reading a backslash escape or a reference. */
function renderedAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 92 && isEscapable(text.charCodeAt(i + 1))) return text.charCodeAt(i + 1);
  if (c === 38) {
    const entity = entityAt(text, i);
    return entity === -1 ? c : entity & 0xffff;
  }
  return c;
}

/**
 * The view of `text` with Markdown escapes, references and inner markers undone. `inner` is the
 * view `text` is (the characters' view), or null when `text` is the original itself; `before` is
 * the unit of the view just before `text` (0 at the start).
 */
function unescapeMarkup(
  text: string,
  inner: UnmaskedView | null,
  final: boolean,
  before: string,
): UnmaskedView {
  const lead = before.slice(-1);
  const beforeUnit = lead === '' ? 0 : lead.charCodeAt(0);
  // Without an inner view, character `i` of `text` is character `i` of the original.
  const origin = inner?.origin ?? null;
  const ends = inner?.ends ?? null;
  const out = MARKDOWN.start(text.length);
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    const from = origin === null ? i : (origin[i] as number);
    if (c === 92 && i + 1 < text.length && isEscapable(text.charCodeAt(i + 1))) {
      out.push(text.charCodeAt(i + 1), from, ends === null ? i + 2 : (ends[i + 1] as number));
      i += 2;
      continue;
    }
    if (c === 38) {
      const entity = entityAt(text, i);
      if (entity !== -1) {
        const length = entity >>> 16;
        const last = i + length - 1;
        out.push(entity & 0xffff, from, ends === null ? last + 1 : (ends[last] as number));
        i += length;
        continue;
      }
    }
    // Markers between two characters of a word, as they render (`x**\_y`: an escape after them).
    const previous = out.n > 0 ? (out.units[out.n - 1] as number) : beforeUnit;
    if (isMarker(c) && isTokenChar(previous)) {
      let j = i;
      let tildes = 0;
      for (; j < text.length && isMarker(text.charCodeAt(j)); j++) {
        if (text.charCodeAt(j) === 126) tildes++;
      }
      // A single tilde is part of tokens (Azure's `Q~`); strikethrough takes two.
      if (j - i <= MAX_MARKERS && tildes !== 1 && isTokenChar(renderedAt(text, j))) {
        i = j;
        continue;
      }
    }
    out.push(c, from, ends === null ? i + 1 : (ends[i] as number));
    i++;
  }
  let openView = inner?.openView ?? -1;
  let openAt = inner?.openAt ?? -1;
  if (openView !== -1) openView = viewIndexOf(out.origin.subarray(0, out.n), openAt);
  else if (!final) {
    // The unit before the text counts as the word character before markers.
    const open = OPEN_MARKUP_AT_END.exec((lead + text).slice(-12));
    if (open !== null) {
      // The construct is still unread, so it ends the new view as it ends the old one.
      openView = out.n - open[0].length + (isMarker(open[0].charCodeAt(1)) ? 1 : 0);
      openAt = out.origin[openView] as number;
    }
  }
  return {
    text: out.text(),
    origin: out.origin.subarray(0, out.n),
    ends: out.ends.subarray(0, out.n),
    source: inner?.source ?? text,
    reordered: inner?.reordered ?? false,
    openView,
    openAt,
    openSpan: inner?.openSpan ?? false,
  };
}

/**
 * The view of `text` (indices relative to it), or null when nothing in it is disguised. `before`
 * is the view just before `text` ('' at the start), of which the Markdown pass reads the last unit.
 */
export function unmaskAfter(text: string, final: boolean, before: string): UnmaskedView | null {
  return holdMarkupBeforeOpen(viewAfter(text, final, before), final, before);
}

/**
 * A growing text's view whose end is open at a right-to-left span is also open at markers or a
 * backslash just before the span: what the span gives next decides whether they are markup
 * (`ghp_…*` then the span's last character reads as one token). Every reader of the view (the
 * rules, a stream reading a private-key body) then holds them with the span.
 */
function holdMarkupBeforeOpen(
  view: UnmaskedView | null,
  final: boolean,
  before: string,
): UnmaskedView | null {
  if (final || view === null || view.openView === -1) return view;
  const lead = before.slice(-1);
  const markup = openMarkupStart(lead + view.text.slice(0, view.openView));
  if (markup !== -1) {
    view.openView = Math.max(0, markup - lead.length);
    view.openAt = view.origin[view.openView] as number;
  }
  return view;
}

/** `unmaskAfter` without the hold of markers before an open span (the caller applies it). */
function viewAfter(text: string, final: boolean, before: string): UnmaskedView | null {
  // A regular expression also flattens a text built by concatenation for the reads below.
  const first = text.search(NON_ASCII);
  const disguised = first !== -1 && changesAny(text, first);
  const inner = disguised ? unmaskCharacters(text, final) : null;
  const innerText = inner === null ? text : inner.text;
  const lead = before.slice(-1);
  if (MARKUP.test(lead + innerText)) return unescapeMarkup(innerText, inner, final, lead);
  if (!final && (inner === null || inner.openView === -1)) {
    // A backslash, `&` or markers at the very end may start markup once more text arrives.
    const open = OPEN_MARKUP_AT_END.exec((lead + innerText).slice(-12));
    if (open !== null) return unescapeMarkup(innerText, inner, final, lead);
  }
  return inner;
}

/**
 * Characters at the end of a growing text whose view may still change: a unit's view depends on
 * at most the 14 characters after it (up to three markers, then a reference of up to 11; a longer
 * run of markers is kept whatever follows it). The view before them is final.
 */
const SETTLING = 16;

/**
 * What a stream keeps of the view of its buffer between scans, so that each scan unmasks only
 * the text after what an earlier scan settled: the view of the buffer's first `length`
 * characters, which no later character can change. Only a view is kept: a text with nothing
 * disguised is checked whole (a few regular-expression passes, cheaper than keeping it). The
 * stream only appends to its buffer between two `reset()`s.
 */
export class ViewCache {
  /** Characters of the original the cache covers (0: nothing kept). */
  length = 0;
  /** Their view; `builder` holds its origins and ends. Empty when `plain`. */
  text = '';
  /** Nothing in the characters covered is disguised: they need no view. */
  plain = false;
  /**
   * Changes whenever a view starts afresh (the cache was emptied, or a view was built without it):
   * what was learnt about the previous views' indices no longer holds.
   */
  generation = 0;
  private readonly builder = new ViewBuilder();

  reset(): void {
    this.generation++;
    this.length = 0;
    this.text = '';
    this.plain = false;
  }

  /**
   * The stream dropped the first `count` characters of its text. The view of the rest is what the
   * cache holds after the units they gave, when the cut falls between two units and the first unit
   * after it comes from the first character after it (no escape, reference or markers cut, or read
   * with what went before): the cache keeps that. Otherwise it starts afresh. Either way the view's
   * indices change (`generation`).
   */
  shift(count: number): void {
    if (count === 0) return;
    if (this.length <= count) {
      this.reset();
      return;
    }
    this.generation++;
    this.length -= count;
    if (this.plain) return;
    const { origin, ends } = this.builder;
    const units = this.text.length;
    const first = viewIndexOf(origin.subarray(0, units), count);
    if (
      first === units ||
      origin[first] !== count ||
      (first > 0 && (ends[first - 1] as number) > count)
    ) {
      this.reset();
      return;
    }
    for (let i = first; i < units; i++) {
      origin[i - first] = (origin[i] as number) - count;
      ends[i - first] = (ends[i] as number) - count;
    }
    this.builder.n = units - first;
    this.text = this.text.slice(first);
  }

  /** Whether the view of `text` is null, when the cache knows its start needs none. */
  plainAfter(text: string, final: boolean): boolean {
    // A construct that crosses `length` starts at most a reference's length before it.
    NON_ASCII_FROM.lastIndex = this.length;
    const first = NON_ASCII_FROM.test(text) ? NON_ASCII_FROM.lastIndex - 1 : -1;
    if (first !== -1 && changesAny(text, first)) return false;
    MARKUP_FROM.lastIndex = Math.max(0, this.length - 12);
    const markup = MARKUP_FROM.test(text);
    MARKUP_FROM.lastIndex = 0;
    return !markup && (final || OPEN_MARKUP_AT_END.exec(text.slice(-12)) === null);
  }

  /** The view of `text`, whose first `length` characters are those the cache covers. */
  view(text: string, final: boolean): UnmaskedView {
    const from = this.length;
    const part = viewAfter(text.slice(from), final, this.text);
    const out = this.builder;
    const cached = this.text.length;
    out.n = cached;
    const partText = part === null ? text.slice(from) : part.text;
    const count = partText.length;
    out.reserve(count);
    // Only origins and ends: the cache's units are never read (its text is kept as a string).
    const { origin, ends } = out;
    if (part === null) {
      for (let i = 0; i < count; i++) {
        origin[cached + i] = from + i;
        ends[cached + i] = from + i + 1;
      }
    } else {
      for (let i = 0; i < count; i++) {
        origin[cached + i] = (part.origin[i] as number) + from;
        ends[cached + i] = (part.ends[i] as number) + from;
      }
    }
    out.n = cached + count;
    const open = part === null ? -1 : part.openView;
    return {
      text: this.text + partText,
      origin: out.origin.subarray(0, out.n),
      ends: out.ends.subarray(0, out.n),
      source: text,
      reordered: part?.reordered ?? false,
      openView: open === -1 ? -1 : cached + open,
      openAt: open === -1 ? -1 : (part?.openAt as number) + from,
      openSpan: part?.openSpan ?? false,
    };
  }

  /** Keeps the final part of `view`, the view of a text that may still grow. */
  settle(text: string, view: UnmaskedView | null): void {
    let settled = text.length - SETTLING;
    // The two halves of a pair stay together.
    if (isHigh(text.charCodeAt(settled - 1))) settled--;
    if (settled <= 0) {
      this.reset();
    } else if (view === null) {
      this.reset();
      this.length = settled;
      this.plain = true;
    } else if (view.reordered || view.openSpan) {
      // A right-to-left span reorders the view (or is still open): cached no further.
      this.reset();
    } else {
      // What a construct still open may change is not kept.
      const open = view.openAt === -1 ? settled : Math.min(settled, view.openAt);
      this.keep(view, viewIndexOf(view.origin, open));
    }
  }

  /** Keeps the first `units` of `view`, which give the text up to the origin of the next one. */
  private keep(view: UnmaskedView, units: number): void {
    if (units === 0 || units === view.origin.length) {
      this.reset();
      return;
    }
    const out = this.builder;
    if (view.origin.buffer !== out.origin.buffer) {
      out.start(units);
      out.origin.set(view.origin.subarray(0, units));
      out.ends.set(view.ends.subarray(0, units));
    }
    out.n = units;
    this.length = view.origin[units] as number;
    this.text = view.text.slice(0, units);
    this.plain = false;
  }
}

/**
 * The view of `text`, or null when nothing in it is disguised (most texts). Built unit by unit
 * into typed arrays: a wall of disguised characters costs no more per character than plain text.
 * `final` false: the text may still grow, and constructs its end leaves open are reported. The
 * view's arrays are reused by the next call: read them before unmasking again. A stream passes
 * its `cache`, which then holds the arrays.
 */
export function unmask(
  text: string,
  final = true,
  cache: ViewCache | null = null,
): UnmaskedView | null {
  if (cache === null) return unmaskAfter(text, final, '');
  let view: UnmaskedView | null;
  if (cache.length === 0 || cache.plain) {
    view = cache.length !== 0 && cache.plainAfter(text, final) ? null : viewAfter(text, final, '');
    if (view !== null) cache.generation++;
  } else {
    view = cache.view(text, final);
  }
  view = holdMarkupBeforeOpen(view, final, '');
  if (!final) cache.settle(text, view);
  return view;
}

/** The span of the original text that gave the view's characters [start, end). */
export function sourceSpan(view: UnmaskedView, start: number, end: number): [number, number] {
  let from = view.origin[start] as number;
  let to = view.ends[end - 1] as number;
  if (view.reordered) {
    for (let i = start; i < end; i++) {
      from = Math.min(from, view.origin[i] as number);
      to = Math.max(to, view.ends[i] as number);
    }
  }
  // The controls that reversed exactly the span go with it: left alone, they would reverse the
  // placeholder.
  const { source } = view;
  if (isRtlOpener(source.charCodeAt(from - 1)) && isBidiCloser(source.charCodeAt(to))) {
    from--;
    to++;
  }
  return [from, to];
}

/**
 * Index in the original text from which everything gives the view's characters `i` and later
 * (the text's length past the end).
 */
export function sourceIndex(view: UnmaskedView, i: number): number {
  if (i >= view.origin.length) return view.source.length;
  if (!view.reordered) return view.origin[i] as number;
  let from = view.source.length;
  for (let k = i; k < view.origin.length; k++) from = Math.min(from, view.origin[k] as number);
  return from > 0 && isRtlOpener(view.source.charCodeAt(from - 1)) ? from - 1 : from;
}

/** The first index of the view whose character comes from `index` of the original or later. */
export function viewIndex(view: UnmaskedView, index: number): number {
  return viewIndexOf(view.origin, index);
}

function viewIndexOf(origin: Int32Array, index: number): number {
  let lo = 0;
  let hi = origin.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((origin[mid] as number) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The text ends in the first half of a surrogate pair, whose second half may still arrive. */
export function endsInHighSurrogate(text: string): boolean {
  return text.length > 0 && isHigh(text.charCodeAt(text.length - 1));
}

/**
 * `text` without the characters that show nothing and change nothing around them (every
 * invisible but the bidi controls, which reorder what they enclose): the view of the result is the
 * view of `text`. A stream keeps its context this way, so that a wall of invisible characters
 * cannot push a name out of the context it keeps.
 */
export function withoutInvisible(text: string): string {
  const first = text.search(NON_ASCII);
  if (first === -1) return text;
  let out = '';
  let at = 0;
  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    if (isHigh(c) && isLow(text.charCodeAt(i + 1))) {
      if (astralView(text, i) === '') {
        out += text.slice(at, i);
        at = i + 2;
      }
      i++;
    } else if (bmpKindOf(c) === REMOVED && !isRtlOpener(c) && !isBidiCloser(c)) {
      out += text.slice(at, i);
      at = i + 1;
    }
  }
  return at === 0 ? text : out + text.slice(at);
}
