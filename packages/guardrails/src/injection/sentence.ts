// Reading backwards from a match to the start of its sentence, without a regular expression whose
// gap between verb and match would make it slow on crafted input.

const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13;
/** `.`, `!`, `?`, `:`, `|` or a line break end the previous sentence (or table cell). */
const endsSentence = (code: number): boolean =>
  code === 46 || code === 33 || code === 63 || code === 58 || code === 124 || code === 10;

/**
 * The first word of the sentence around `index`, if it starts at most `maxWords` words before
 * `index` (a leading "please" is skipped).
 */
export function sentenceOpener(text: string, index: number, maxWords: number): string | null {
  let i = index;
  let next = '';
  for (let words = 0; words <= maxWords; words++) {
    while (i > 0 && text.charCodeAt(i - 1) !== 10 && isSpace(text.charCodeAt(i - 1))) i--;
    if (i === 0 || endsSentence(text.charCodeAt(i - 1))) return next === '' ? null : next;
    const end = i;
    while (i > 0 && !isSpace(text.charCodeAt(i - 1))) i--;
    const word = text.slice(i, end);
    // The word opens the sentence if a sentence end (then at most one space) precedes it.
    let j = i;
    if (j > 0 && text.charCodeAt(j - 1) === 32) j--;
    if (j === 0 || endsSentence(text.charCodeAt(j - 1))) return word === 'please' ? next : word;
    next = word;
  }
  return null;
}
