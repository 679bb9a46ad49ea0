/** A set of ASCII characters as a lookup table; non-ASCII characters are never members. */
export type CharSet = Uint8Array;

/** Builds a set from a spec such as `A-Za-z0-9_-` (a `-` that ends the spec is literal). */
export function charSet(spec: string): CharSet {
  const set = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    const from = spec.charCodeAt(i);
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const to = spec.charCodeAt(i + 2);
      for (let c = from; c <= to; c++) set[c] = 1;
      i += 2;
    } else {
      set[from] = 1;
    }
  }
  return set;
}

export function inSet(set: CharSet, code: number): boolean {
  return code < 128 && set[code] === 1;
}

/** Index of the first character at or after `from` that is not in `set`, looking at most `limit` characters. */
export function runEnd(text: string, from: number, set: CharSet, limit: number): number {
  const stop = Math.min(text.length, from + limit);
  let i = from;
  while (i < stop && inSet(set, text.charCodeAt(i))) i++;
  return i;
}

/** Index of the first character of the run of `set` members that ends at `end`, looking back at most `limit`. */
export function runStart(text: string, end: number, set: CharSet, limit: number): number {
  const stop = Math.max(0, end - limit);
  let i = end;
  while (i > stop && inSet(set, text.charCodeAt(i - 1))) i--;
  return i;
}
