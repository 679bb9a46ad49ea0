import { FeatureHasher, MAX_FEATURES_PER_CHAR } from './features.ts';

/**
 * A logistic model over hashed n-grams: `logit = bias + scale · Σ weights[feature] / √(count +
 * PRIOR_COUNT)`, each occurrence of a feature counting once (so a feature's value is its count
 * over about the length of the text's count vector).
 */
export interface LinearModel {
  bias: number;
  scale: number;
  weights: Int8Array | Float64Array;
}

/**
 * Texts are also read in windows of two neighbouring chunks, so that a short instruction inside
 * a long document is not drowned by the document around it. A chunk ends at a line break or
 * after this many characters: a line of a table, a comment, a field or a chat turn is a unit of
 * its own, as an instruction hidden in it is.
 */
export const CHUNK = 256;

/**
 * Added to every text's feature count: a text of a few words has too little evidence for its
 * handful of features to weigh as much as a sentence's (`previous instructions` alone is no
 * attack). Training uses the same (train/logistic.ts).
 */
export const PRIOR_COUNT = 64;

/** See `modelLogit`: read once off NFCorpus false positives (0.25: 2.1%, 0.5 and 1: 1.9%). */
const WINDOW_PENALTY = 0.5;

/** The scale of a text (or window) with `count` features. */
export const norm = (count: number): number => Math.sqrt(count + PRIOR_COUNT);

const buffer = new Int32Array(CHUNK * MAX_FEATURES_PER_CHAR + 2);

/**
 * Calls `add(features, count, chunk)` with the features of each chunk of `text` in order (a line,
 * or CHUNK characters of a longer one); the buffer is reused: read it before returning.
 */
export function chunkFeatures(
  text: string,
  add: (features: Int32Array, count: number, chunk: number) => void,
): void {
  const hasher = new FeatureHasher();
  let chunk = 0;
  let lineBreak = -1;
  for (let from = 0; from < text.length; chunk++) {
    if (lineBreak < from) {
      lineBreak = text.indexOf('\n', from);
      if (lineBreak === -1) lineBreak = text.length;
    }
    const to = Math.min(text.length, from + CHUNK, lineBreak + 1);
    add(buffer, hasher.slice(text, from, to, buffer), chunk);
    from = to;
  }
  add(buffer, hasher.finish(buffer), Math.max(0, chunk - 1));
}

/** The logit of the whole text, or of its most suspicious window when that is higher. */
export function modelLogit(model: LinearModel, text: string): number {
  const { weights } = model;
  const sums: number[] = [];
  const counts: number[] = [];
  chunkFeatures(text, (features, count, chunk) => {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += weights[features[k] as number] as number;
    sums[chunk] = (sums[chunk] ?? 0) + sum;
    counts[chunk] = (counts[chunk] ?? 0) + count;
  });
  const chunks = sums.length;
  let totalSum = 0;
  let totalCount = 0;
  let window = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < chunks; k++) {
    totalSum += sums[k] as number;
    totalCount += counts[k] as number;
    // A window is two neighbouring chunks; a text of one or two chunks is its only window.
    if (k === 0 || chunks <= 2) continue;
    const n = (counts[k] as number) + (counts[k - 1] as number);
    if (n > 0) window = Math.max(window, ((sums[k] as number) + (sums[k - 1] as number)) / norm(n));
  }
  const whole =
    totalCount > 0 ? model.bias + (model.scale * totalSum) / norm(totalCount) : model.bias;
  if (window === Number.NEGATIVE_INFINITY) return whole;
  // The most suspicious of many windows is high by chance more often than one text is: its logit
  // is lowered by WINDOW_PENALTY · ln(windows).
  return Math.max(whole, model.bias + model.scale * window - WINDOW_PENALTY * Math.log(chunks - 1));
}

export const sigmoid = (logit: number): number => 1 / (1 + Math.exp(-logit));
