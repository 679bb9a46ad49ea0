// The injection model's features: hashed character 3-grams and word 1- and 2-grams of
// the normalised (folded) text, and character pairs in scripts written without spaces. Training (train/) and scoring (linear.ts) both read them through
// `FeatureHasher`, so the two can never disagree on what a feature is.

/** The model has 2^FEATURE_BITS weights. */
export const FEATURE_BITS = 17;
const SHIFT = 32 - FEATURE_BITS;

// Odd multipliers, one per offset from the n-gram's last character, and one per feature kind so
// that a 3-gram and a character pair, or a word and a bigram, land in unrelated buckets.
const K0 = 0x9e3779b1;
const K1 = 0x85ebca77;
const K2 = 0xc2b2ae3d;
const K3 = 0x27d4eb2f;
const GRAM2 = 0x3c6ef372;
const GRAM3 = 0x2545f491;
const WORD = 0x7feb352d;
const BIGRAM = 0x846ca68b;
const FNV_PRIME = 0x01000193;
const FNV_BASIS = 0x811c9dc5;

/** From here on (CJK radicals, kana, ideographs, Hangul, full-width forms) words have no spaces. */
const WIDE_SCRIPTS = 0x2e80;

/** Multiplicative hashing: the top bits of an odd product spread every input bit. */
const bucket = (x: number, kind: number): number => Math.imul(x ^ kind, K0) >>> SHIFT;

/** Letters and digits of any script make words; everything else separates them. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 0xc0 || (c >= 65 && c <= 90);
}

/**
 * Features per character at most: a 3-gram, a word and a bigram (a character pair of a script
 * without spaces ends no word). (Character 4- and 5-grams were dropped: 5-grams cost a third of
 * the hashing and moved no leave-one-source-out figure by more than half a point; without
 * 4-grams, once each feature counted once, the tuning families' curve rose by about two points
 * of recall at the same false positives and the model read a megabyte in a third less time.)
 */
export const MAX_FEATURES_PER_CHAR = 3;

/**
 * Hashes the features of a text read in consecutive slices (so that a caller can tell which
 * slice each feature completes in, and needs no callback per feature). Linear in the text.
 */
export class FeatureHasher {
  // The two characters before the next one, `d` the nearest.
  private c = 0;
  private d = 0;
  private seen = 0;
  private word = FNV_BASIS;
  private wordLength = 0;
  private previousWord = 0;

  /**
   * Writes the features completed by `text[from, to)` into `out` (room for
   * `MAX_FEATURES_PER_CHAR × (to − from)`), continuing from the slice before; returns how many.
   */
  slice(text: string, from: number, to: number, out: Int32Array): number {
    let { c, d, seen, word, wordLength, previousWord } = this;
    let n = 0;
    for (let i = from; i < to; i++, seen++) {
      const e = text.charCodeAt(i);
      const x3 = Math.imul(e, K1) ^ Math.imul(d, K2) ^ Math.imul(c, K3);
      if (seen >= 2) out[n++] = bucket(x3, GRAM3);
      // Scripts written without spaces (Chinese, Japanese, Korean runs) make one long "word":
      // their character pairs stand in for words.
      if (e >= WIDE_SCRIPTS && d >= WIDE_SCRIPTS)
        out[n++] = bucket(Math.imul(e, K1) ^ Math.imul(d, K2), GRAM2);
      c = d;
      d = e;
      if (isWordChar(e)) {
        word = Math.imul(word ^ e, FNV_PRIME);
        wordLength++;
        continue;
      }
      if (wordLength > 0) {
        out[n++] = bucket(word, WORD);
        if (previousWord !== 0) out[n++] = bucket(Math.imul(previousWord, K2) ^ word, BIGRAM);
        previousWord = word;
      }
      word = FNV_BASIS;
      wordLength = 0;
    }
    this.c = c;
    this.d = d;
    this.seen = seen;
    this.word = word;
    this.wordLength = wordLength;
    this.previousWord = previousWord;
    return n;
  }

  /** The features of a word that ends the text (into `out`, room for 2); returns how many. */
  finish(out: Int32Array): number {
    if (this.wordLength === 0) return 0;
    out[0] = bucket(this.word, WORD);
    if (this.previousWord === 0) return 1;
    out[1] = bucket(Math.imul(this.previousWord, K2) ^ this.word, BIGRAM);
    return 2;
  }
}
