import type { EncodedRun } from '../normalize.ts';
import { re } from '../patterns.ts';

// Payloads hidden in base64, hex or Morse (`aWdub3JlIGFsbCBwcmV2aW91cw==`, `69676e6f7265`,
// `\x69\x67`, `.. --. -.`), decoded when the result is readable text so the rules can read it.
// Candidates are found in one pass over the characters; decoding stops at the first byte that
// could not be part of text, so ordinary identifiers and hashes cost next to nothing.

// Morse: letters of dots and dashes separated by spaces or slashes.
const MORSE_HINT = re(/[.-] [.-]{1,6} [.-]/g);
const MIN_MORSE = 16;
const MAX_PAYLOADS = 16;
const MAX_PAYLOAD_CHARS = 65_536;
const WORD_GAP = re(/ {2,}| ?\/ ?/);
const ESCAPED_HEX = re(/(?:(?:\\x|%)[0-9a-fA-F]{2}){6,}/g);
/** Two escaped bytes in a row: a cheap test before the costlier search for six. */
const ESCAPED_PAIR = re(/(?:\\x|%)[0-9a-fA-F]{2}(?:\\x|%)[0-9a-fA-F]{2}/);

/** A numeric character reference (`&#73;`, `&#x49;`); the `;` is optional, as browsers read it. */
const CHARACTER_REFERENCE = re(/&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/g);
/**
 * Fewer references that hide words than this are an ordinary document's `&#39;`, not a disguise.
 * A reference hides words when it stands for a letter, a digit or white space, or stands between
 * two letters (`i&#46;g&#46;n`); one for punctuation elsewhere (`?v&#x3D;4` in an escaped URL,
 * `&#38;`, `&#10003;`) hides none. (A page of escaped URLs was otherwise read twice over.)
 */
const MIN_REFERENCES = 3;
const WORD_CHARACTER = re(/[\p{L}\p{N}\s]/u);
const LETTER = re(/\p{L}/u);
const CODE_OF = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, i) => {
  CODE_OF[ch.charCodeAt(0)] = i;
});
CODE_OF[45] = 62; // '-' in base64url
CODE_OF[95] = 63; // '_' in base64url

// International Morse code: letters, digits and common punctuation.
const MORSE_CODE: Record<string, string> = {
  '.-': 'a',
  '-...': 'b',
  '-.-.': 'c',
  '-..': 'd',
  '.': 'e',
  '..-.': 'f',
  '--.': 'g',
  '....': 'h',
  '..': 'i',
  '.---': 'j',
  '-.-': 'k',
  '.-..': 'l',
  '--': 'm',
  '-.': 'n',
  '---': 'o',
  '.--.': 'p',
  '--.-': 'q',
  '.-.': 'r',
  '...': 's',
  '-': 't',
  '..-': 'u',
  '...-': 'v',
  '.--': 'w',
  '-..-': 'x',
  '-.--': 'y',
  '--..': 'z',
  '-----': '0',
  '.----': '1',
  '..---': '2',
  '...--': '3',
  '....-': '4',
  '.....': '5',
  '-....': '6',
  '--...': '7',
  '---..': '8',
  '----.': '9',
  '.-.-.-': '.',
  '--..--': ',',
  '..--..': '?',
  '.----.': "'",
  '-.-.--': '!',
  '-..-.': '/',
  '---...': ':',
  '-.-.-.': ';',
  '-...-': '=',
  '.-.-.': '+',
  '-....-': '-',
  '..--.-': '_',
  '.-..-.': '"',
  '...-..-': '$',
  '.--.-.': '@',
  '-.--.': '(',
  '-.--.-': ')',
  '.-...': '&',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A byte that cannot occur in text (control characters other than tab and line breaks). */
function isBinary(byte: number): boolean {
  return (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 127;
}

/** The bytes as text, or null if they are not UTF-8 or, being ASCII, not mostly letters. */
function toText(bytes: Uint8Array, length: number): string | null {
  let ascii = true;
  let letters = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte >= 128) ascii = false;
    const folded = byte | 32;
    if (folded >= 97 && folded <= 122) letters++;
  }
  if (ascii && letters * 2 < length) return null; // `isReadable` would turn it down
  try {
    return utf8.decode(bytes.subarray(0, length));
  } catch {
    return null;
  }
}

/** `text[start, end)` decoded from base64. */
function fromBase64(text: string, start: number, end: number): string | null {
  const bytes = new Uint8Array(Math.ceil(((end - start) * 3) / 4));
  let length = 0;
  let bits = 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 61) break; // padding
    const digit = code < 128 ? (CODE_OF[code] ?? -1) : -1;
    if (digit < 0) return null;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (value >> bits) & 0xff;
      if (isBinary(byte)) return null;
      bytes[length++] = byte;
    }
  }
  return toText(bytes, length);
}

const HEX_VALUE = new Int8Array(128).fill(-1);
'0123456789abcdef'.split('').forEach((ch, i) => {
  HEX_VALUE[ch.charCodeAt(0)] = i;
  HEX_VALUE[ch.toUpperCase().charCodeAt(0)] = i;
});

/** `text[start, end)` decoded from hex digits. */
function fromHex(text: string, start = 0, end = text.length): string | null {
  const bytes = new Uint8Array((end - start) >> 1);
  for (let i = start; i + 1 < end; i += 2) {
    const byte =
      ((HEX_VALUE[text.charCodeAt(i)] as number) << 4) |
      (HEX_VALUE[text.charCodeAt(i + 1)] as number);
    if (isBinary(byte)) return null;
    bytes[(i - start) >> 1] = byte;
  }
  return toText(bytes, bytes.length);
}

const isMorseChar = (code: number): boolean =>
  code === 46 || code === 45 || code === 32 || code === 47;

/** The run of dots, dashes, spaces and slashes around `index`, trimmed of spaces. */
function morseRun(text: string, index: number): [number, number] {
  let start = index;
  while (start > 0 && isMorseChar(text.charCodeAt(start - 1))) start--;
  let end = index;
  while (end < text.length && isMorseChar(text.charCodeAt(end))) end++;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return [start, end];
}

/**
 * Letters separated by one space, words by two or more spaces or a slash. A code that is no
 * letter becomes `?`: a slip does not hide the rest, and noise fails the readability test.
 */
function fromMorse(run: string): string {
  let out = '';
  for (const word of run.trim().split(WORD_GAP)) {
    for (const letter of word.split(' ')) {
      if (letter !== '') out += MORSE_CODE[letter] ?? '?';
    }
    out += ' ';
  }
  return out.trim();
}

/** Mostly letters: words, not numbers or symbols. */
function isReadable(text: string): boolean {
  if (text.length < 8) return false;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) letters++;
  }
  return letters >= text.length * 0.5;
}

/**
 * `text` with its numeric character references read as the characters they stand for (letters of
 * an order written as `&#73;gn&#111;re` between plain ones), or null when it has too few of them.
 */
function withReferencesRead(text: string): string | null {
  let count = 0;
  CHARACTER_REFERENCE.lastIndex = 0;
  for (
    let m = CHARACTER_REFERENCE.exec(text);
    m !== null && count < MIN_REFERENCES;
    m = CHARACTER_REFERENCE.exec(text)
  ) {
    const shown = referenced(m[1], m[2]);
    if (shown === null) continue;
    const end = m.index + m[0].length;
    if (
      WORD_CHARACTER.test(shown) ||
      (LETTER.test(text.charAt(m.index - 1)) && LETTER.test(text.charAt(end)))
    )
      count++;
  }
  CHARACTER_REFERENCE.lastIndex = 0;
  if (count < MIN_REFERENCES) return null;
  const read = text.replace(
    CHARACTER_REFERENCE,
    (whole, hex?: string, decimal?: string) => referenced(hex, decimal) ?? whole,
  );
  CHARACTER_REFERENCE.lastIndex = 0;
  return read;
}

/** The character a reference's hex or decimal digits stand for, or null for no character. */
function referenced(hex: string | undefined, decimal: string | undefined): string | null {
  const code = hex === undefined ? Number(decimal) : Number.parseInt(hex, 16);
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return String.fromCodePoint(code);
}

/**
 * Readable texts hidden in the encoded runs of `text`, in escaped hex, in numeric character
 * references, or in Morse code.
 */
export function decodePayloads(text: string, runs: readonly EncodedRun[]): string[] {
  const found: string[] = [];
  // The same payload repeated (a wall of identical tokens) is kept once.
  const consider = (decoded: string | null): void => {
    if (decoded === null || found.length >= MAX_PAYLOADS || found.includes(decoded)) return;
    if (isReadable(decoded)) found.push(decoded);
  };
  for (const run of runs) {
    if (found.length >= MAX_PAYLOADS) break;
    const end = Math.min(run.end, run.start + MAX_PAYLOAD_CHARS);
    if (run.hex && (end - run.start) % 2 === 0) consider(fromHex(text, run.start, end));
    else if (run.base64) consider(fromBase64(text, run.start, end));
  }
  if (text.includes('.-') || text.includes('-.')) {
    MORSE_HINT.lastIndex = 0;
    for (let m = MORSE_HINT.exec(text); m !== null; m = MORSE_HINT.exec(text)) {
      const [start, end] = morseRun(text, m.index);
      // Like the other payloads, only the start of a long run is read, cut between two letters.
      const stop =
        end - start > MAX_PAYLOAD_CHARS ? text.lastIndexOf(' ', start + MAX_PAYLOAD_CHARS) : end;
      if (stop - start >= MIN_MORSE) consider(fromMorse(text.slice(start, stop)));
      MORSE_HINT.lastIndex = Math.max(end, m.index + 1);
    }
    MORSE_HINT.lastIndex = 0;
  }
  const reference = text.indexOf('&#');
  if (reference !== -1) {
    // Like the other payloads, only the start of the text with references is read.
    consider(withReferencesRead(text.slice(reference, reference + MAX_PAYLOAD_CHARS)));
  }
  if ((text.includes('\\x') || text.includes('%')) && ESCAPED_PAIR.test(text)) {
    ESCAPED_HEX.lastIndex = 0;
    for (let m = ESCAPED_HEX.exec(text); m !== null; m = ESCAPED_HEX.exec(text)) {
      consider(fromHex(m[0].replaceAll('\\x', '').replaceAll('%', '')));
    }
    ESCAPED_HEX.lastIndex = 0;
  }
  return found;
}
