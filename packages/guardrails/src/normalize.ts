import type { AnchorHits, AnchorTrie } from './injection/anchors.ts';
import { re } from './patterns.ts';
import { type ScanOutput, WasmScan } from './wasm-scan.ts';

// Undoes the usual ways of hiding words from a filter before the rules read a text: compatibility
// forms (fullwidth, mathematical letters), invisible and bidi controls, Unicode tag characters
// ("ASCII smuggling"), accents, Cyrillic and Greek look-alikes, leetspeak and separators inside
// words. Pure ASCII text takes a fast path: only the character pass, in WebAssembly, which
// lower-cases, collapses blank runs and notices leetspeak and spaced-out letters.

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
  const fold = (text: string, ascii: boolean, withRuns: boolean, withAnchors: boolean): Fold =>
    scan.run(
      text,
      ascii,
      (exports, length) => exports.fold(length, withRuns ? 1 : 0, withAnchors ? 1 : 0),
      (output) => ({
        folded: output.text(output.results[0] as number, output.results[1] as number),
        spacedLetters: output.results[2] === 1,
        runs: withRuns ? readRuns(output) : [],
        anchors: withAnchors ? (trie?.read(output) ?? null) : null,
      }),
    );
  const findAnchors = trie !== undefined;

  return (text) => {
    const ascii = !NON_ASCII.test(text);
    // A Markdown-escaped underscore (`\_`) is read as `_`, which shifts indices: the runs, which
    // index the cased text, are then collected by a pass of their own.
    if (ascii && !text.includes('\\_')) {
      const { folded, spacedLetters, runs, anchors } = fold(text, true, true, findAnchors);
      return { cased: text, folded, disguised: false, spacedLetters, encodedRuns: runs, anchors };
    }
    const nfkc = ascii ? text : text.normalize('NFKC');
    const cased = ascii ? text : revealHidden(nfkc);
    let lower = cased.toLowerCase();
    let disguised = cased.length !== nfkc.length;
    if (!ascii && FOLDABLE.test(lower)) {
      disguised ||= LOOKALIKE.test(lower);
      LOOKALIKE.lastIndex = 0;
      lower = foldLetters(lower);
    }
    const { runs } = fold(cased, ascii, true, false);
    const { folded, spacedLetters, anchors } = fold(
      lower.replaceAll('\\_', '_'),
      ascii,
      false,
      findAnchors,
    );
    return { cased, folded, disguised, spacedLetters, encodedRuns: runs, anchors };
  };
}

/** Letters only: `i.g.n.o.r.e a-l-l` becomes `ignoreall`. */
export function squash(folded: string): string {
  return folded.replace(NOT_LETTER, '');
}
