/**
 * How many characters at the end of `text` (after `from`) are a proper prefix of `literal`: a
 * text that may still grow holds them back. Compared in place, without a slice per length: a
 * stream asks this of every rule's literal at every chunk.
 */
export function prefixAtEnd(text: string, from: number, literal: string): number {
  for (let k = Math.min(literal.length - 1, text.length - from); k > 0; k--) {
    const at = text.length - k;
    let i = 0;
    while (i < k && text.charCodeAt(at + i) === literal.charCodeAt(i)) i++;
    if (i === k) return k;
  }
  return 0;
}
