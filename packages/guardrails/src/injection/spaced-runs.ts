import { squash } from '../normalize.ts';
import { re } from '../patterns.ts';

// The model reads spaced-out letters (`n o t e s`, `i.g.n.o.r.e`) as the word they spell, where
// they stand. It used to read the whole text's letters-only view appended instead, which it saw
// mostly on obfuscated injections: one spaced-out word (or one invisible character) in a harmless
// text then made it read as an attack.

/** Single letters in a row that make a run. */
const MIN_RUN = 4;
/** Farthest a single letter of a run is from the one before it: one or two characters between. */
const MAX_STEP = 3;

/**
 * A run: MIN_RUN or more single letters (no letter on either side), each one to MAX_STEP - 1
 * characters other than letters and line breaks from the one before. The classes do not overlap,
 * so the search is linear; a regular expression reads the text far faster than a loop over it.
 */
const SPACED_RUN = re(
  new RegExp(`(?<![a-z])[a-z](?:[^a-z\\n]{1,${MAX_STEP - 1}}[a-z]){${MIN_RUN - 1},}(?![a-z])`, 'g'),
);

/**
 * `folded` with each run of spaced-out letters written as one word (`n o t e s` as `notes`): four
 * or more single letters of the folded text, each one or two characters (not a line break) from
 * the next, as the character pass counts spaced-out letters (`NormalizedText.spacedLetters`).
 */
export function joinSpacedRuns(folded: string): string {
  let out = '';
  let copied = 0;
  SPACED_RUN.lastIndex = 0;
  for (let m = SPACED_RUN.exec(folded); m !== null; m = SPACED_RUN.exec(folded)) {
    out += folded.slice(copied, m.index) + squash(m[0]);
    copied = SPACED_RUN.lastIndex;
  }
  SPACED_RUN.lastIndex = 0;
  return copied === 0 ? folded : out + folded.slice(copied);
}
