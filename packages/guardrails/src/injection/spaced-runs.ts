import { squash } from '../normalize.ts';

// The model reads spaced-out letters (`n o t e s`, `i.g.n.o.r.e`) as the word they spell, where
// they stand. It used to read the whole text's letters-only view appended instead, which it saw
// mostly on obfuscated injections: one spaced-out word (or one invisible character) in a harmless
// text then made it read as an attack.

/** Single letters in a row that make a run. */
const MIN_RUN = 4;
/** Farthest a single letter of a run is from the one before it: one or two characters between. */
const MAX_STEP = 3;
const LINE_BREAK = 10;

const isLetter = (code: number): boolean => code >= 97 && code <= 122;

/**
 * `folded` with each run of spaced-out letters written as one word (`n o t e s` as `notes`): four
 * or more single letters of the folded text, each one or two characters (not a line break) from
 * the next, as the character pass counts spaced-out letters (`NormalizedText.spacedLetters`).
 * One pass over the text, copied by slices.
 */
export function joinSpacedRuns(folded: string): string {
  let out = '';
  let copied = 0;
  let first = 0;
  let last = 0;
  let singles = 0;
  const endRun = (): void => {
    if (singles >= MIN_RUN) {
      out += folded.slice(copied, first) + squash(folded.slice(first, last + 1));
      copied = last + 1;
    }
    singles = 0;
  };
  for (let i = 0; i < folded.length; i++) {
    if (!isLetter(folded.charCodeAt(i))) continue;
    if (isLetter(folded.charCodeAt(i + 1))) {
      // A longer word ends the run: read on past it.
      endRun();
      while (isLetter(folded.charCodeAt(i + 1))) i++;
      continue;
    }
    const step = i - last;
    const joins =
      singles > 0 &&
      step <= MAX_STEP &&
      folded.charCodeAt(last + 1) !== LINE_BREAK &&
      (step < MAX_STEP || folded.charCodeAt(last + 2) !== LINE_BREAK);
    if (!joins) {
      endRun();
      first = i;
    }
    last = i;
    singles++;
  }
  endRun();
  return copied === 0 ? folded : out + folded.slice(copied);
}
