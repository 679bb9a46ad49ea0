// AssemblyScript, compiled and embedded in src/scan-wasm.ts by `npm run build:wasm` (the test
// suite checks that the embedded binary is this source's build). The per-character passes of injection detection over
// UTF-8 text in linear memory: normalisation's character pass (`fold`, see src/normalize.ts) and
// then, on its output, the anchor gate's scan (`scanAnchors`, see src/injection/anchors.ts).
// Positions handed back count UTF-16 code units, as JavaScript strings do.

// Character classes, as bit flags.
const BLANK: u32 = 1;
const NEWLINE: u32 = 2;
const LOWER: u32 = 4;
const UPPER: u32 = 8;
const DIGIT: u32 = 16;
const LEETCHAR: u32 = 32;
const BASE64_SYMBOL: u32 = 64;
const NOT_HEX: u32 = 128;
const AT_OR_DOLLAR: u32 = 256;
const LETTER = LOWER | UPPER;
const BASE64 = LETTER | DIGIT | BASE64_SYMBOL;
const TOKEN = BASE64 | LEETCHAR;
/** Runs shorter than this are not worth decoding. */
const MIN_ENCODED_RUN = 16;
const PAGE = 65536;

// Run flags handed back with each encoded run.
const RUN_HEX: i32 = 1;
const RUN_BASE64: i32 = 2;

// Fixed tables, then the regions each call lays out after them.
const CLASSES: usize = (__heap_base + 15) & ~15; // 256 × u16
const LEET_LETTER: usize = CLASSES + 512; // 256 × u8
const WIDTH: usize = LEET_LETTER + 256; // 256 × u8: UTF-16 units a byte begins
/** Results of the last call, read by JavaScript: 16 × i32. */
const RESULT: usize = WIDTH + 256;
const TABLES_END: usize = RESULT + 64;

/** Grows the memory to hold `end` bytes; traps when it cannot. */
function ensure(end: usize): void {
  const have = <usize>memory.size() * PAGE;
  if (end <= have) return;
  if (memory.grow(<i32>((end - have + PAGE - 1) / PAGE)) < 0) unreachable();
}

/** The letter a leetspeak character stands for (`0` o, `4` and `@` a…); any other byte lower-cased. */
function leetLetter(c: u32): u32 {
  if (c === 48) return 111;
  if (c === 49) return 105;
  if (c === 51) return 101;
  if (c === 52 || c === 64) return 97;
  if (c === 53 || c === 36) return 115;
  if (c === 55) return 116;
  if (c === 56) return 98;
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function setup(): void {
  ensure(TABLES_END);
  for (let c: u32 = 0; c < 256; c++) {
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    const digit = c >= 48 && c <= 57;
    const hex = digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    const symbol = c === 43 || c === 47 || c === 95 || c === 45; // + / _ -
    const leet = c === 48 || c === 49 || c === 51 || c === 52 || c === 53 || c === 55 || c === 56;
    const atOrDollar = c === 64 || c === 36;
    let f: u32 = 0;
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) f |= BLANK;
    if (c === 10) f |= NEWLINE;
    if (lower) f |= LOWER;
    if (upper) f |= UPPER;
    if (digit) f |= DIGIT;
    if (leet || atOrDollar) f |= LEETCHAR;
    if (symbol) f |= BASE64_SYMBOL;
    if (((lower || upper) && !hex) || symbol) f |= NOT_HEX;
    if (atOrDollar) f |= AT_OR_DOLLAR;
    store<u16>(CLASSES + (c << 1), <u16>f);
    store<u8>(LEET_LETTER + c, <u8>leetLetter(c));
    store<u8>(WIDTH + c, c < 0x80 ? 1 : c < 0xc0 ? 0 : c < 0xf0 ? 1 : 2);
  }
}
setup();

function classOf(c: u32): u32 {
  return <u32>load<u16>(CLASSES + (c << 1));
}

/** Where the results of the last call are. */
export function results(): usize {
  return RESULT;
}

function result(slot: i32, value: i32): void {
  store<i32>(RESULT + ((<usize>slot) << 2), value);
}

// ---- The trie of anchors, written by JavaScript once (`trie`, `trieReady`), read by `scanAnchors`.

const columnsAt: usize = TABLES_END; // 256 × u8: the trie column of each byte
let nextAt: usize = 0; // states × columns × u16: the next state, 0 for none
let terminalAt: usize = 0; // states × i16: the anchor a state completes, -1 for none
let columnCount: usize = 0;
let anchorCount: i32 = 0;
let trieEnd: usize = TABLES_END;
let symbolLowAt: usize = 0; // 16 bytes: for each low nibble, the symbol-start bytes having it (one bit each)
let symbolHighAt: usize = 0; // 16 bytes: the same for each high nibble
/**
 * 4096 bytes: bit k is set when an anchor may begin with three bytes whose low five bits make k
 * (high to low), so that most word starts are passed over without a walk.
 */
let filterAt: usize = 0;
/** An i32 per anchor, zero between calls: used by the grouping of the positions. */
let groupOfAt: usize = 0;

/** Lays out a trie of `states` states over `columns` byte columns for `count` anchors. */
export function trie(states: i32, columns: i32, count: i32): void {
  columnCount = <usize>columns;
  anchorCount = count;
  nextAt = columnsAt + 256;
  terminalAt = nextAt + <usize>states * columnCount * 2;
  symbolLowAt = (terminalAt + <usize>states * 2 + 15) & ~15;
  symbolHighAt = symbolLowAt + 16;
  filterAt = symbolHighAt + 16;
  groupOfAt = filterAt + 4096;
  trieEnd = groupOfAt + <usize>count * 4;
  ensure(trieEnd);
}

/** Where JavaScript writes the parts of the trie: 0 the columns, 1 the next states, 2 the terminals, 3 the filter. */
export function triePart(part: i32): usize {
  return part === 0 ? columnsAt : part === 1 ? nextAt : part === 2 ? terminalAt : filterAt;
}

/**
 * Called once the trie's tables are written: notes, in two nibble tables, the bytes that begin an
 * anchor other than a word anchor (beyond eight such bytes, some share a bit: a byte that shares
 * one may start a walk that finds nothing, which costs a little and changes nothing).
 */
export function trieReady(): void {
  memory.fill(symbolLowAt, 0, 32);
  let bit = 0;
  for (let b: usize = 0; b < 256; b++) {
    if (load<u16>(nextAt + <usize>load<u8>(columnsAt + b) * 2) === 0) continue;
    if ((b >= 97 && b <= 122) || (b >= 48 && b <= 57)) continue;
    const mask = <u8>((<i32>1) << (bit % 8));
    bit++;
    store<u8>(symbolLowAt + (b & 15), load<u8>(symbolLowAt + (b & 15)) | mask);
    store<u8>(symbolHighAt + (b >> 4), load<u8>(symbolHighAt + (b >> 4)) | mask);
  }
}

/**
 * Where the next call's input goes, with room for `bytes` bytes. A zero byte stands before it and
 * 16 bytes of room after it, so that 16-byte loads never leave the memory.
 */
export function input(bytes: i32): usize {
  ensure(trieEnd + 16 + <usize>bytes + 16);
  return trieEnd + 16;
}

// ---- fold: the character pass of normalisation.

let inAt: usize = 0;
let inLength: i32 = 0;
let leet = false;
let spacedLetters = false;
let singles: i32 = 0;
let lastSingle: i32 = -10;
let runsAt: usize = 0;
let runCount: i32 = 0;
let wordsAt: usize = 0;
let wordCount: i32 = 0;

function byteAt(i: i32): u32 {
  return i < inLength ? <u32>load<u8>(inAt + <usize>i) : 0;
}

/** A one-letter word at UTF-16 position `at`: four of them in a row are spaced-out letters. */
function singleLetter(at: i32): void {
  singles = at - lastSingle <= 3 ? singles + 1 : 1;
  lastSingle = at;
  if (singles >= 4) spacedLetters = true;
}

/** Records `[start, end)` (bytes; `shift` maps them to UTF-16) if it may be base64 or hex. */
function pushRun(start: i32, end: i32, seen: u32, shift: i32): void {
  if (end - start < MIN_ENCODED_RUN) return;
  const padded = byteAt(end) === 61;
  const hexOnly = (seen & NOT_HEX) === 0;
  const base64 = (seen & LOWER) !== 0 && (seen & UPPER) !== 0 && ((seen & DIGIT) !== 0 || padded);
  if (!hexOnly && !base64) return;
  const at = runsAt + <usize>runCount * 12;
  store<i32>(at, start + shift);
  store<i32>(at + 4, end + shift);
  store<i32>(at + 8, (hexOnly && !padded ? RUN_HEX : 0) | (base64 ? RUN_BASE64 : 0));
  runCount++;
}

/** The runs of a token that may be base64 or hex: its parts between `@` and `$`, which split them. */
function pushTokenRuns(start: i32, end: i32, shift: i32): void {
  let from = start;
  let seen: u32 = 0;
  for (let k = start; k < end; k++) {
    const f = classOf(byteAt(k));
    if (f & AT_OR_DOLLAR) {
      pushRun(from, k, seen, shift);
      from = k + 1;
      seen = 0;
    } else {
      seen |= f;
    }
  }
  pushRun(from, end, seen, shift);
}

/**
 * Records `[start, end)` (letters, digits, `@` and `$`; `shift` maps it into the output) if
 * leetspeak decoding would rewrite it: letters then a digit or symbol, or digits then a letter,
 * starting at a word boundary. Leading `@` and `$` stay.
 */
function pushLeetWord(start: i32, end: i32, shift: i32): void {
  let from = start;
  while (from < end && (classOf(byteAt(from)) & AT_OR_DOLLAR) !== 0) from++;
  if (from === end || (from === start && start > 0 && byteAt(start - 1) === 95)) return; // after `_`
  let k = from;
  if (classOf(byteAt(from)) & LETTER) {
    while (k < end && (classOf(byteAt(k)) & LETTER) !== 0) k++;
    if (k === end) return;
  } else {
    while (k < end && (classOf(byteAt(k)) & DIGIT) !== 0) k++;
    if (k === end || (classOf(byteAt(k)) & LETTER) === 0) return;
  }
  const at = wordsAt + <usize>wordCount * 8;
  store<i32>(at, from - shift);
  store<i32>(at + 4, end - shift);
  wordCount++;
}

/**
 * A token that mixes letters with digits or symbols, read character by character: notes leetspeak
 * and single letters, and records the words leetspeak decoding would rewrite. `toUtf16` maps a
 * byte index of the token to UTF-16, `toOutput` to the output.
 */
function readMixedToken(start: i32, end: i32, seen: u32, toUtf16: i32, toOutput: i32): void {
  if ((seen & (DIGIT | AT_OR_DOLLAR)) === 0) {
    // Letters and `+/_-` only (`snake_case`, `a-b-c`): no leetspeak, words split at the symbols.
    let from = start;
    for (let k = start; k <= end; k++) {
      if (k < end && (classOf(byteAt(k)) & BASE64_SYMBOL) === 0) continue;
      if (k - from === 1) singleLetter(from + toUtf16);
      else if (k - from > 1) singles = 0;
      from = k + 1;
    }
    return;
  }
  let wordFrom = start; // the current run of letters, digits, `@` and `$`
  let wordSeen: u32 = 0;
  let letters = 0; // letters in the current word
  let lastLetter = -1;
  let leetRun = 0; // leet characters since the last letter of the current word
  let leetFirst = false; // the current word starts with a leet character
  let wordStart = true;
  for (let k = start; k <= end; k++) {
    const g = k < end ? classOf(byteAt(k)) : 0;
    if ((g & BASE64_SYMBOL) !== 0 || k === end) {
      if ((wordSeen & LETTER) !== 0 && (wordSeen & (DIGIT | AT_OR_DOLLAR)) !== 0)
        pushLeetWord(wordFrom, k, toOutput);
      wordFrom = k + 1;
      wordSeen = 0;
    } else {
      wordSeen |= g;
    }
    if (g & LETTER) {
      if (leetRun > 0 && leetRun <= 2 && (letters > 0 || leetFirst)) leet = true;
      letters++;
      lastLetter = k;
      leetRun = 0;
      wordStart = false;
    } else if ((g & LEETCHAR) !== 0 && (letters > 0 || wordStart || leetFirst)) {
      if (wordStart) leetFirst = true;
      leetRun++;
      wordStart = false;
    } else {
      // The word ends here (the token's end ends it too).
      if (letters === 1 && leetRun === 0) singleLetter(lastLetter + toUtf16);
      else if (letters > 1) singles = 0;
      letters = 0;
      leetRun = 0;
      leetFirst = false;
      wordStart = (g & DIGIT) === 0;
    }
  }
}

/** Bytes of ASCII letters. */
function letterBytes(v: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v128.or(v, i8x16.splat(32)), i8x16.splat(97)), i8x16.splat(26));
}

/** Bytes of token characters: letters, digits, `+/_-@$`. */
function tokenBytes(v: v128): v128 {
  const atOrDollar = v128.or(i8x16.eq(v, i8x16.splat(64)), i8x16.eq(v, i8x16.splat(36)));
  return v128.or(v128.or(letterBytes(v), symbolBytes(v)), v128.or(digitBytes(v), atOrDollar));
}

/** Bytes of digits. */
function digitBytes(v: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v, i8x16.splat(48)), i8x16.splat(10));
}

/** Bytes of `+/_-`, the symbols a token may hold besides `@` and `$`. */
function symbolBytes(v: v128): v128 {
  return v128.or(
    v128.or(i8x16.eq(v, i8x16.splat(43)), i8x16.eq(v, i8x16.splat(47))),
    v128.or(i8x16.eq(v, i8x16.splat(95)), i8x16.eq(v, i8x16.splat(45))),
  );
}

/** Bytes of blanks: space, tab, line feed, vertical tab, form feed, carriage return. */
function blankBytes(v: v128): v128 {
  return v128.or(
    i8x16.lt_u(i8x16.sub(v, i8x16.splat(9)), i8x16.splat(5)),
    i8x16.eq(v, i8x16.splat(32)),
  );
}

/** Bytes of printable ASCII characters other than the space. */
function printableBytes(v: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v, i8x16.splat(33)), i8x16.splat(94));
}

/** The bytes with A-Z lower-cased. */
function lowerCase(v: v128): v128 {
  const upper = i8x16.lt_u(i8x16.sub(v, i8x16.splat(65)), i8x16.splat(26));
  return i8x16.add(v, v128.and(upper, i8x16.splat(32)));
}

/** One bit per byte of two 16-byte masks, the first in the low half. */
function bits32(low: v128, high: v128): i32 {
  return i8x16.bitmask(low) | (i8x16.bitmask(high) << 16);
}

/**
 * The character pass over the `length` input bytes: writes them lower-cased with each blank run
 * collapsed into one space (or one line break if it holds one) and, if the text reads as
 * leetspeak somewhere, the leetspeak words decoded; notes spaced-out single letters; with
 * `withRuns`, collects the runs that may be base64 or hex (case is read from the input); with
 * `withAnchors`, finds the anchors in the output (`scanAnchors`). Results: 0 output start,
 * 1 output length, 2 spaced letters, 3 runs start, 4 run count.
 */
export function fold(length: i32, withRuns: bool, withAnchors: bool): void {
  inAt = trieEnd + 16;
  inLength = length;
  const outAt = inAt + <usize>length + 16;
  runsAt = (outAt + <usize>length + 16 + 3) & ~3;
  wordsAt = runsAt + (<usize>length / MIN_ENCODED_RUN + 1) * 12;
  const wordsEnd = wordsAt + (<usize>length / 2 + 1) * 8;
  ensure(wordsEnd);
  leet = false;
  spacedLetters = false;
  singles = 0;
  lastSingle = -10;
  runCount = 0;
  wordCount = 0;
  let out = outAt;
  let i = 0;
  let utf16 = 0; // the UTF-16 position of byte i
  let nextPlain = 0; // where the fast path may try again
  while (i < length) {
    // The fast path, 32 bytes at a time while the text is plain: tokens shorter than a run (16)
    // of letters and `+/_-` or of digits alone, punctuation and characters beyond ASCII, and single spaces or line
    // breaks. A token of letters is read as words split at its symbols: a one-letter word extends
    // a row of single letters, a longer word or a line break ends it; digits change nothing. The fast path stops at the last separator before
    // anything else, which the character-by-character pass below reads, and tries again after it.
    if (i >= nextPlain && i + 32 < length) {
      const at = inAt + <usize>i;
      const low = v128.load(at);
      const high = v128.load(at + 16);
      const letters = bits32(letterBytes(low), letterBytes(high));
      const tokens = bits32(tokenBytes(low), tokenBytes(high));
      const digits = bits32(digitBytes(low), digitBytes(high));
      const symbols = bits32(symbolBytes(low), symbolBytes(high));
      const blanks = bits32(blankBytes(low), blankBytes(high));
      const spaces = bits32(i8x16.eq(low, i8x16.splat(32)), i8x16.eq(high, i8x16.splat(32)));
      const newlines = bits32(i8x16.eq(low, i8x16.splat(10)), i8x16.eq(high, i8x16.splat(10)));
      const printable = bits32(printableBytes(low), printableBytes(high));
      // Bytes of characters beyond ASCII separate tokens as punctuation does; a character is one
      // UTF-16 unit per lead byte (two for a 4-byte one) and none per continuation byte.
      const wide = bits32(i8x16.lt_s(low, i8x16.splat(0)), i8x16.lt_s(high, i8x16.splat(0)));
      let continuation = 0;
      let fourByte = 0;
      if (wide !== 0) {
        continuation = bits32(
          i8x16.lt_s(low, i8x16.splat(-64)),
          i8x16.lt_s(high, i8x16.splat(-64)),
        );
        fourByte = bits32(i8x16.ge_u(low, i8x16.splat(-16)), i8x16.ge_u(high, i8x16.splat(-16)));
      }
      const next = classOf(<u32>load<u8>(at + 32));
      const previous = classOf(<u32>load<u8>(at - 1));
      const letterBefore = (letters << 1) | ((previous & LETTER) !== 0 ? 1 : 0);
      const letterAfter = (letters >>> 1) | ((next & LETTER) !== 0 ? 0x80000000 : 0);
      const blankAfter = (blanks >>> 1) | ((next & (BLANK | NEWLINE)) !== 0 ? 0x80000000 : 0);
      const allowed =
        letters | symbols | digits | ((printable | wide) & ~tokens) | spaces | newlines;
      // Digits only in tokens of digits alone, which leave the state as it is: no digit next to
      // another token character.
      const others = tokens & ~digits;
      const otherNear =
        (others << 1) |
        (others >>> 1) |
        ((previous & TOKEN & ~DIGIT) !== 0 ? 1 : 0) |
        ((next & TOKEN & ~DIGIT) !== 0 ? 0x80000000 : 0);
      const digitNear =
        (digits << 1) |
        (digits >>> 1) |
        ((previous & DIGIT) !== 0 ? 1 : 0) |
        ((next & DIGIT) !== 0 ? 0x80000000 : 0);
      const mixed = (digits & otherNear) | (others & digitNear);
      let long = tokens; // the starts of 16 token characters in a row: a token that may be a run
      long &= long >>> 1;
      long &= long >>> 2;
      long &= long >>> 4;
      long &= long >>> 8;
      const bad = ctz(~allowed | mixed | (blanks & blankAfter) | long);
      const separators = ~tokens & (bad === 32 ? -1 : (1 << bad) - 1);
      const done = separators === 0 ? 0 : 32 - clz(separators);
      if (done > 0) {
        v128.store(out, lowerCase(low));
        v128.store(out + 16, lowerCase(high));
        const within = done === 32 ? -1 : (1 << done) - 1;
        let single = letters & ~letterBefore & ~letterAfter & within;
        // Events in order: a one-letter word, or a longer word's end or a line break (resets).
        let resets = ((letters & letterBefore & ~letterAfter) | newlines) & within;
        while (single !== 0) {
          const k = ctz(single);
          single &= single - 1;
          const earlier = (1 << k) - 1;
          if ((resets & earlier) !== 0) singles = 0;
          resets &= ~earlier;
          singleLetter(utf16 + k - popcnt(continuation & earlier) + popcnt(fourByte & earlier));
        }
        if (resets !== 0) singles = 0;
        out += <usize>done;
        utf16 += done - popcnt(continuation & within) + popcnt(fourByte & within);
      }
      // Again past what is not plain, or at once if that was only a word cut by the block's end.
      // Text that does not begin plain (numbers, indentation) is read a block at a time.
      nextPlain = done === 0 ? i + 32 : bad < 32 ? i + bad + 1 : i + done;
      i += done;
      if (done > 0) continue;
    }
    let c = byteAt(i);
    let f = classOf(c);
    if (f & TOKEN) {
      const start = i;
      let seen: u32 = 0;
      while (f & TOKEN) {
        seen |= f;
        store<u8>(out++, <u8>((f & UPPER) !== 0 ? c + 32 : c));
        i++;
        if (i === length) break;
        c = byteAt(i);
        f = classOf(c);
      }
      const toUtf16 = utf16 - start;
      const toOutput = i - <i32>(out - outAt); // blank bytes removed so far
      utf16 += i - start;
      if (
        withRuns &&
        i - start >= MIN_ENCODED_RUN &&
        ((seen & (NOT_HEX | DIGIT | AT_OR_DOLLAR)) !== NOT_HEX || byteAt(i) === 61)
      )
        pushTokenRuns(start, i, toUtf16);
      if ((seen & ~LETTER & ~NOT_HEX) !== 0) readMixedToken(start, i, seen, toUtf16, toOutput);
      else if (i - start === 1) singleLetter(start + toUtf16);
      else singles = 0;
      continue;
    }
    // A separator: only blank runs need work.
    i++;
    utf16 += <i32>load<u8>(WIDTH + c);
    const single = i === length || (classOf(byteAt(i)) & (BLANK | NEWLINE)) === 0;
    if ((f & (BLANK | NEWLINE)) === 0 || (single && (c === 32 || c === 10))) {
      if (c === 10) singles = 0;
      store<u8>(out++, <u8>c);
      continue;
    }
    let end = i;
    let newline = c === 10;
    while (end < length && (classOf(byteAt(end)) & (BLANK | NEWLINE)) !== 0) {
      if (byteAt(end) === 10) newline = true;
      end++;
    }
    store<u8>(out++, newline ? 10 : 32);
    if (newline) singles = 0;
    utf16 += end - i;
    i = end;
  }
  if (leet) {
    for (let w = 0; w < wordCount; w++) {
      const at = wordsAt + <usize>w * 8;
      const to = outAt + <usize>load<i32>(at + 4);
      for (let p = outAt + <usize>load<i32>(at); p < to; p++)
        store<u8>(p, load<u8>(LEET_LETTER + <usize>load<u8>(p)));
    }
  }
  if (withAnchors) {
    store<u8>(outAt - 1, 0); // no word character before the text
    scanAnchors(outAt, <i32>(out - outAt), (wordsEnd + 7) & ~7);
  }
  result(0, <i32>outAt);
  result(1, <i32>(out - outAt));
  result(2, spacedLetters ? 1 : 0);
  result(3, <i32>runsAt);
  result(4, runCount);
}

// ---- The anchor gate's scan, over the output of `fold`.

/** Bytes that may begin a word anchor: a-z and 0-9. */
function anchorWord(v: v128): v128 {
  return v128.or(
    i8x16.lt_u(i8x16.sub(v, i8x16.splat(97)), i8x16.splat(26)),
    i8x16.lt_u(i8x16.sub(v, i8x16.splat(48)), i8x16.splat(10)),
  );
}

/** Word characters of a regular expression's `\b`: A-Z, a-z, 0-9 and `_`. */
function regexWord(v: v128): v128 {
  return v128.or(
    v128.or(anchorWord(v), i8x16.lt_u(i8x16.sub(v, i8x16.splat(65)), i8x16.splat(26))),
    i8x16.eq(v, i8x16.splat(95)),
  );
}

/**
 * Walks the trie from every place an anchor may begin in the `length` bytes at `at` (a zero byte
 * before them): a word anchor at a word start, any other anywhere. Every anchor passed on a walk
 * occurs there. Results: 5 hit count, 6 start of the anchors found (in the order found), 7 their
 * count, 8 groups start (the positions of the i-th anchor found are groups[i] to groups[i + 1]),
 * 9 positions start (UTF-16 positions, ascending in each group).
 */
function scanAnchors(at: usize, length: i32, hitsAt: usize): void {
  let hitCount = 0;
  let hitsEnd = hitsAt;
  let hitsLimit: usize = 0;
  const low = v128.load(symbolLowAt);
  const high = v128.load(symbolHighAt);
  const nibble = i8x16.splat(15);
  let shift = 0; // UTF-16 position minus byte position at the block start
  for (let p = 0; p < length; p += 16) {
    const v = v128.load(at + <usize>p);
    const before = v128.load(at + <usize>p - 1);
    // A word anchor may begin where a word begins, another anchor wherever its first byte stands.
    const word = anchorWord(v);
    const symbol = v128.and(
      i8x16.swizzle(low, v128.and(v, nibble)),
      i8x16.swizzle(high, i8x16.shr_u(v, 4)),
    );
    const starts = v128.or(
      v128.andnot(word, regexWord(before)),
      v128.andnot(v128.not(i8x16.eq(symbol, i8x16.splat(0))), word),
    );
    let bits = i8x16.bitmask(starts);
    if (length - p < 16) bits &= (1 << (length - p)) - 1;
    const wide = i8x16.bitmask(v); // bytes of characters beyond ASCII
    let continuation = 0;
    let fourByte = 0;
    if (wide !== 0) {
      continuation = i8x16.bitmask(i8x16.lt_s(v, i8x16.splat(-64))); // 0x80-0xbf
      fourByte = i8x16.bitmask(i8x16.ge_u(v, i8x16.splat(-16))); // 0xf0-0xff
    }
    while (bits !== 0) {
      const k = ctz(bits);
      bits &= bits - 1;
      const from = at + <usize>(p + k);
      const key =
        ((<u32>load<u8>(from) & 31) << 10) |
        ((<u32>load<u8>(from + 1) & 31) << 5) |
        (<u32>load<u8>(from + 2) & 31);
      if ((<u32>load<u8>(filterAt + (key >> 3)) & (1 << (key & 7))) === 0) continue;
      const below = (1 << k) - 1;
      const utf16 = p + k + shift + popcnt(fourByte & below) - popcnt(continuation & below);
      const first = <usize>load<u8>(from);
      let state = <usize>load<u16>(nextAt + <usize>load<u8>(columnsAt + first) * 2);
      let q = p + k + 1;
      while (state !== 0) {
        const anchor = <i32>load<i16>(terminalAt + state * 2);
        if (anchor >= 0) {
          if (hitsEnd + 8 > hitsLimit) {
            ensure(hitsEnd + PAGE);
            hitsLimit = <usize>memory.size() * PAGE;
          }
          store<i32>(hitsEnd, utf16);
          store<i32>(hitsEnd + 4, anchor);
          hitsEnd += 8;
          hitCount++;
        }
        if (q === length) break;
        const column = <usize>load<u8>(columnsAt + <usize>load<u8>(at + <usize>q));
        q++;
        state = <usize>load<u16>(nextAt + (state * columnCount + column) * 2);
      }
    }
    shift += popcnt(fourByte) - popcnt(continuation);
  }
  // Positions grouped by anchor, the anchors in the order they were first found: a counting sort,
  // which keeps each group ascending. During the call, groupOf[anchor] is its group number + 1;
  // group g's count goes two slots up, so that after the prefix sums and the fill, group g is
  // groups[g] to groups[g + 1].
  const count = <usize>anchorCount;
  const presentAt = hitsEnd;
  const groupsAt = presentAt + count * 4;
  const positionsAt = groupsAt + (count + 2) * 4;
  ensure(positionsAt + <usize>hitCount * 4);
  let present = 0;
  for (let h = hitsAt; h < hitsEnd; h += 8) {
    const anchor = load<i32>(h + 4);
    let group = load<i32>(groupOfAt + <usize>anchor * 4);
    if (group === 0) {
      store<i32>(presentAt + <usize>present * 4, anchor);
      store<i32>(groupsAt + <usize>(present + 2) * 4, 0);
      present++;
      group = present;
      store<i32>(groupOfAt + <usize>anchor * 4, group);
    }
    store<i32>(h + 4, group - 1);
    const counter = groupsAt + <usize>(group + 1) * 4;
    store<i32>(counter, load<i32>(counter) + 1);
  }
  store<i32>(groupsAt, 0);
  store<i32>(groupsAt + 4, 0);
  for (let g = 2; g < present + 2; g++) {
    const slot = groupsAt + <usize>g * 4;
    store<i32>(slot, load<i32>(slot) + load<i32>(slot - 4));
  }
  for (let h = hitsAt; h < hitsEnd; h += 8) {
    const cursor = groupsAt + <usize>(load<i32>(h + 4) + 1) * 4;
    const at = load<i32>(cursor);
    store<i32>(positionsAt + <usize>at * 4, load<i32>(h));
    store<i32>(cursor, at + 1);
  }
  for (let g = 0; g < present; g++)
    store<i32>(groupOfAt + <usize>load<i32>(presentAt + <usize>g * 4) * 4, 0);
  result(5, hitCount);
  result(6, <i32>presentAt);
  result(7, present);
  result(8, <i32>groupsAt);
  result(9, <i32>positionsAt);
}
