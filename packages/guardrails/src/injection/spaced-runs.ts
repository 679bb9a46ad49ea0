import { re } from '../patterns.ts';

// The model reads spaced-out letters (`n o t e s`, `i.g.n.o.r.e`) as the word they spell, where
// they stand. It used to read the whole text's letters-only view appended instead, which it saw
// mostly on obfuscated injections: one spaced-out word (or one invisible character) in a harmless
// text then made it read as an attack.

/**
 * Four or more single letters of the folded text, each one or two characters (not a line break)
 * from the next, as the character pass counts spaced-out letters (`NormalizedText.spacedLetters`).
 */
const SPACED_RUN = re(/(?<![a-z])[a-z](?:[^a-z\n]{1,2}[a-z](?![a-z])){3,}/g);
const NOT_LETTER = re(/[^a-z]+/g);

/** `folded` with each run of spaced-out letters written as one word: `n o t e s` as `notes`. */
export function joinSpacedRuns(folded: string): string {
  return folded.replace(SPACED_RUN, (run) => run.replace(NOT_LETTER, ''));
}
