import { charSet, inSet } from '../chars.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';
import { sourceSpan, unmask } from './unmask.ts';

// A canary is a random marker planted in a system prompt: seeing it in a model's output means the
// prompt leaked. A model asked to reveal it "without revealing it" writes it disguised: spaced out
// (`B A S T I O N - …`), one character per line, lowercased, with zero-width characters or
// look-alikes in it. The scan reads the unmasked view (invisible characters, look-alikes, markup
// and right-to-left spans undone, see unmask.ts), and in it a canary is its letters and digits in
// order, in any case, with at most MAX_GAP other characters between two of them. A random canary
// of twenty letters and digits does not occur that way by chance; one far shorter might.

/** Characters of the view other than letters and digits allowed between two of a canary's. */
export const MAX_GAP = 16;

/** A canary prepared for the scan. */
export interface Canary {
  readonly literal: string;
  /** Its letters and digits, lowercased: what a match spells. */
  readonly skeleton: Uint16Array;
  /** For each prefix of the skeleton, its longest proper prefix that is also its suffix. */
  readonly fail: Int32Array;
  /** What follows its last letter or digit (a base64url marker's `_` or `-`): redacted with it. */
  readonly trail: string;
}

const ALNUM = charSet('A-Za-z0-9');
const isAlphanumeric = (c: number): boolean => inSet(ALNUM, c);
const lower = (c: number): number => (c >= 65 && c <= 90 ? c | 32 : c);

/** Prepares canaries for the scan; those without a letter or digit cannot be found and are left out. */
export function compileCanaries(literals: readonly string[]): Canary[] {
  const canaries: Canary[] = [];
  for (const literal of literals) {
    const codes: number[] = [];
    let last = -1;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      if (isAlphanumeric(c)) {
        codes.push(lower(c));
        last = i;
      }
    }
    if (codes.length === 0) continue;
    const skeleton = Uint16Array.from(codes);
    const fail = new Int32Array(skeleton.length);
    for (let i = 1, k = 0; i < skeleton.length; i++) {
      while (k > 0 && skeleton[i] !== skeleton[k]) k = fail[k - 1] as number;
      if (skeleton[i] === skeleton[k]) k++;
      fail[i] = k;
    }
    canaries.push({ literal, skeleton, fail, trail: literal.slice(last + 1) });
  }
  return canaries;
}

/**
 * Where the canary's `trail` ends when it follows its last letter or digit (which ends at `end`),
 * disguised the same way: each character within MAX_GAP others. `end` when it does not; -1 when
 * the text ends before that is known.
 */
function trailEnd(text: string, end: number, trail: string, final: boolean): number {
  let i = end;
  for (let k = 0; k < trail.length; k++) {
    const wanted = trail.charCodeAt(k);
    for (let gap = 0; ; gap++) {
      if (i >= text.length) return final ? end : -1;
      const c = text.charCodeAt(i++);
      if (c === wanted) break;
      if (isAlphanumeric(c) || gap === MAX_GAP) return end;
    }
  }
  return i;
}

/**
 * Finds `canary` in `text` from `from` (a Knuth–Morris–Pratt pass over its letters and digits,
 * linear whatever the text): calls `found` with each match's span, and returns where a match
 * the end of the text leaves open starts (-1 when none), which a text that may still grow holds.
 */
function matchCanary(
  text: string,
  from: number,
  final: boolean,
  canary: Canary,
  found: (start: number, end: number) => void,
): number {
  const { skeleton, fail, trail } = canary;
  const length = skeleton.length;
  // Where the last `length` letters and digits read stand, as a ring.
  const at = new Int32Array(length);
  let count = 0;
  let matched = 0;
  let gap = 0;
  let open = -1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isAlphanumeric(c)) {
      if (++gap > MAX_GAP) matched = 0;
      continue;
    }
    gap = 0;
    const code = lower(c);
    while (matched > 0 && skeleton[matched] !== code) matched = fail[matched - 1] as number;
    if (skeleton[matched] === code) matched++;
    at[count % length] = i;
    count++;
    if (matched === length) {
      const start = at[(count - length) % length] as number;
      const end = trail === '' ? i + 1 : trailEnd(text, i + 1, trail, final);
      if (end === -1 && (open === -1 || start < open)) open = start;
      found(start, end === -1 ? i + 1 : end);
      matched = fail[length - 1] as number;
    }
  }
  if (!final && matched > 0) {
    const start = at[(count - matched) % length] as number;
    if (open === -1 || start < open) open = start;
  }
  return open;
}

/** Reports every canary in the scanned text and holds one its end may still complete. */
export function scanCanaries(ctx: ScanContext, canaries: readonly Canary[]): void {
  for (const canary of canaries) {
    const open = matchCanary(ctx.text, ctx.from, ctx.final, canary, (start, end) => {
      ctx.findings.push({ start, end, type: 'canary' });
    });
    if (open !== -1) holdFrom(ctx, open);
  }
}

/**
 * The spans of `text` where a canary stands, written as is or disguised (see above), in the
 * order found; offsets refer to `text`. What the stream redactor's `leaked` and the redaction of
 * canaries rely on, for a caller that has the whole text at once.
 */
export function findCanaries(
  text: string,
  literals: readonly string[],
): Array<{ start: number; end: number }> {
  return findCompiled(text, compileCanaries(literals));
}

/** `findCanaries` with the canaries prepared. */
export function findCompiled(
  text: string,
  canaries: readonly Canary[],
): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  if (canaries.length === 0) return spans;
  const view = unmask(text);
  for (const canary of canaries) {
    matchCanary(view === null ? text : view.text, 0, true, canary, (start, end) => {
      const [from, to] = view === null ? [start, end] : sourceSpan(view, start, end);
      spans.push({ start: from, end: to });
    });
  }
  return spans;
}
