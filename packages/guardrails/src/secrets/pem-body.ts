import { charSet, inSet, runEnd } from '../chars.ts';

// The body of a PEM or OpenSSH private-key block, read as a resumable state machine so a stream can
// discard the key as it arrives instead of buffering it: base64 lines, optional `Name: value`
// header lines before them, line breaks written either raw or as `\n` escapes (keys inside JSON or
// .env values), and an `-----END …-----` footer. Without a footer the block ends at the last body
// character before anything else; if that happens inside a word, the rest of the word goes too.

export interface PemBodyState {
  /** Body characters consumed so far. */
  seen: number;
  /** Length of the base64 run that ends where reading stopped. */
  run: number;
  /** Key material has been seen (a base64 run of MIN_KEY_RUN characters): this is a key. */
  committed: boolean;
  /** Header lines are allowed until the first base64 character. */
  headersAllowed: boolean;
  /** Reading starts a line. */
  lineStart: boolean;
  /** Swallowing the rest of the word in which the block ended. */
  tail: boolean;
}

export type PemStep =
  | { kind: 'end'; end: number }
  | { kind: 'reject' }
  /** Everything before `at` is decided; `state` describes the reader at `at`. */
  | { kind: 'more'; at: number; state: PemBodyState };

export const INITIAL_PEM_BODY: PemBodyState = {
  seen: 0,
  run: 0,
  committed: false,
  headersAllowed: true,
  lineStart: false,
  tail: false,
};

/** A base64 run this long without a break is key material (an Ed25519 key has 64). */
const MIN_KEY_RUN = 32;
/** Give up on a block that shows no key material within this many characters. */
const MAX_BODY_BEFORE_KEY = 512;
/** More blank space than this between body lines ends the block. */
const MAX_GAP = 64;
const MAX_HEADER_LINE = 200;
const MAX_FOOTER_LABEL = 40;

const BASE64 = charSet('A-Za-z0-9+/=');
const LABEL = charSet('A-Z0-9 ');
const HEADER_NAME = charSet('A-Za-z0-9-');
const FOOTER = '-----END ';
const DASHES = '-----';
const BACKSLASH = 92;
const DASH = 45;

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function isEscapedBreak(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return text.charCodeAt(i) === BACKSLASH && (next === 110 || next === 114);
}

/** `Name: value` at `i`, or null; `undefined` when the text ends before it can tell. */
function headerLineEnd(text: string, i: number, final: boolean): number | null | undefined {
  const nameEnd = runEnd(text, i, HEADER_NAME, 32);
  if (nameEnd === text.length) return final ? null : undefined;
  if (nameEnd - i < 2 || text.charCodeAt(nameEnd) !== 58) return null;
  for (let j = nameEnd + 1; j < i + MAX_HEADER_LINE && j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13 || (c === BACKSLASH && isEscapedBreak(text, j))) return j;
  }
  return text.length - i < MAX_HEADER_LINE && !final ? undefined : null;
}

/** `-----END …-----` at `i`: the index after it, null if it is not one, undefined if the text ends first. */
function footerEnd(text: string, i: number, final: boolean): number | null | undefined {
  if (!text.startsWith(FOOTER, i)) {
    const partial = text.length - i < FOOTER.length && FOOTER.startsWith(text.slice(i));
    return partial && !final ? undefined : null;
  }
  const labelStart = i + FOOTER.length;
  const labelEnd = runEnd(text, labelStart, LABEL, MAX_FOOTER_LABEL + 1);
  if (labelEnd - labelStart > MAX_FOOTER_LABEL) return null;
  const after = text.slice(labelEnd, labelEnd + DASHES.length);
  if (after === DASHES) return labelEnd + DASHES.length;
  return !final && after.length < DASHES.length && DASHES.startsWith(after) ? undefined : null;
}

/** Reads a private-key body from `from` in `state`; see PemStep. Linear in the text read. */
export function continuePemBody(
  text: string,
  from: number,
  state: PemBodyState,
  final: boolean,
): PemStep {
  const st = { ...state };
  const more = (at: number): PemStep => ({ kind: 'more', at, state: { ...st } });
  const finish = (end: number): PemStep =>
    st.committed ? { kind: 'end', end } : { kind: 'reject' };
  let i = from;
  for (;;) {
    if (!st.committed && st.seen > MAX_BODY_BEFORE_KEY) return { kind: 'reject' };
    if (i >= text.length) return final ? finish(i) : more(i);
    const c = text.charCodeAt(i);

    if (st.tail) {
      while (i < text.length && !isBlank(text.charCodeAt(i))) i++;
      if (i < text.length) return finish(i);
      continue;
    }

    if (st.headersAllowed && st.lineStart) {
      const header = headerLineEnd(text, i, final);
      if (header === undefined) return more(i);
      if (header !== null) {
        st.seen += header - i;
        st.lineStart = false;
        i = header;
        continue;
      }
    }

    if (inSet(BASE64, c)) {
      const end = runEnd(text, i, BASE64, Number.POSITIVE_INFINITY);
      st.run += end - i;
      st.seen += end - i;
      st.headersAllowed = false;
      st.lineStart = false;
      if (st.run >= MIN_KEY_RUN) st.committed = true;
      i = end;
      continue;
    }

    if (c === DASH) {
      const footer = footerEnd(text, i, final);
      if (footer === undefined) return more(i);
      if (footer !== null) return finish(footer);
    } else if (c === BACKSLASH && i + 1 >= text.length && !final) {
      return more(i);
    } else if (isBlank(c) || isEscapedBreak(text, i)) {
      // A gap belongs to the block only if body follows it.
      let j = i;
      let lineStart = st.lineStart;
      while (j < text.length && j - i <= MAX_GAP) {
        const d = text.charCodeAt(j);
        if (isBlank(d)) {
          if (d === 10) lineStart = true;
          j++;
        } else if (isEscapedBreak(text, j)) {
          lineStart = true;
          j += 2;
        } else break;
      }
      if (j - i > MAX_GAP) return finish(i);
      const undecided =
        j >= text.length || (text.charCodeAt(j) === BACKSLASH && j + 1 >= text.length);
      if (undecided && !final) return more(i);
      if (j >= text.length) return finish(i);
      const d = text.charCodeAt(j);
      let body = inSet(BASE64, d);
      if (!body && d === DASH) {
        const footer = footerEnd(text, j, final);
        if (footer === undefined) return more(i);
        body = footer !== null;
      }
      if (!body && st.headersAllowed && lineStart) {
        const header = headerLineEnd(text, j, final);
        if (header === undefined) return more(i);
        body = header !== null;
      }
      if (!body) return finish(i);
      st.seen += j - i;
      st.run = 0;
      st.lineStart = lineStart;
      i = j;
      continue;
    }

    // Anything else ends the block; inside a word, the rest of the word goes with it.
    if (st.run === 0) return finish(i);
    st.tail = true;
  }
}
