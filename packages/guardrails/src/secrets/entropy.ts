const asciiCounts = new Uint16Array(128);

/** Shannon entropy of the characters of `value`, in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  let others: Map<number, number> | null = null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) {
      asciiCounts[c] = (asciiCounts[c] as number) + 1;
    } else {
      others ??= new Map();
      others.set(c, (others.get(c) ?? 0) + 1);
    }
  }
  let bits = 0;
  const add = (n: number): void => {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  };
  // Read each ASCII count once, at its first occurrence, and clear it for the next call.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || asciiCounts[c] === 0) continue;
    add(asciiCounts[c] as number);
    asciiCounts[c] = 0;
  }
  if (others !== null) for (const n of others.values()) add(n);
  return bits;
}

/** How many of lower case, upper case, digits and other characters occur in `value`. */
export function characterClasses(value: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

export function hasLetterAndDigit(value: string): boolean {
  let letter = false;
  let digit = false;
  for (let i = 0; i < value.length && !(letter && digit); i++) {
    const c = value.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) letter = true;
    else if (c >= 48 && c <= 57) digit = true;
  }
  return letter && digit;
}
