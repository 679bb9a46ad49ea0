import { FEATURE_BITS, FeatureHasher, MAX_FEATURES_PER_CHAR } from './features.ts';

/**
 * A logistic model over hashed n-grams: `logit = bias + scale · Σ weights[feature] / √(count +
 * PRIOR_COUNT)` over the text's distinct features, `count` of them: a feature counts once however
 * often it occurs, so a message repeated weighs what it weighs said three times (with occurrences
 * counted, `hello` eight times scored as an injection). Training reads a text the same way
 * (`toExample` in train/logistic.ts; a test holds the two together).
 */
export interface LinearModel {
  bias: number;
  scale: number;
  weights: Int8Array | Float64Array;
}

/**
 * Texts are also read in windows of two neighbouring chunks, so that a short instruction inside
 * a long document is not drowned by the document around it. A chunk ends at a line break (once
 * it holds MIN_CHUNK characters) or after this many characters: a line of a table, a comment, a field or a chat turn is a unit of
 * its own, as an instruction hidden in it is.
 */
export const CHUNK = 256;
/** Short lines (code, data) join the next until a chunk has this many characters: fewer, fuller
 * chunks, the same windows for an instruction of a sentence or more. */
const MIN_CHUNK = 64;

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
 * Reads the features of a text chunk by chunk, in order: a line, short lines joined up to
 * MIN_CHUNK characters, or CHUNK characters of a longer one. All readers share one buffer: read it
 * before the next call.
 */
export class ChunkReader {
  /** The features of the batch last read (its first `next()` of them). */
  readonly features = buffer;
  /** The chunk the batch last read belongs to. */
  chunk = -1;
  private readonly text: string;
  private readonly hasher = new FeatureHasher();
  private from = 0;
  private lineBreak = -1;
  private finished = false;

  constructor(text: string) {
    this.text = text;
  }

  /**
   * Reads the next chunk's features; the word that ends the text comes last, as one more batch of
   * the last chunk. Returns how many, or −1 once the text is read.
   */
  next(): number {
    const { text, from } = this;
    if (from < text.length) {
      if (this.lineBreak < from + MIN_CHUNK) {
        this.lineBreak = text.indexOf('\n', from + MIN_CHUNK);
        if (this.lineBreak === -1) this.lineBreak = text.length;
      }
      const to = Math.min(text.length, from + CHUNK, this.lineBreak + 1);
      this.from = to;
      this.chunk++;
      return this.hasher.slice(text, from, to, buffer);
    }
    if (this.finished) return -1;
    this.finished = true;
    this.chunk = Math.max(0, this.chunk);
    return this.hasher.finish(buffer);
  }
}

/** Calls `add(features, count, chunk)` with each batch of `text`'s features (see `ChunkReader`). */
export function chunkFeatures(
  text: string,
  add: (features: Int32Array, count: number, chunk: number) => void,
): void {
  const reader = new ChunkReader(text);
  for (let n = reader.next(); n !== -1; n = reader.next()) add(reader.features, n, reader.chunk);
}

// For each feature, the last chunk it occurred in, chunks numbered on across calls so that nothing
// is cleared between texts: a stamp from `first` on means "already counted in this text", the
// current chunk's stamp "already counted in this window". One array, one load and at most one
// store per feature. The table is read at random: 16-bit stamps (half the memory of 32-bit ones)
// make the model about a tenth faster; a text with more chunks than they number (over 4 MB) is
// read with 32-bit ones.
interface StampTable {
  stamps: Uint16Array | Uint32Array;
  clock: number;
  /** The highest stamp. */
  limit: number;
}
const stamps16: StampTable = {
  stamps: new Uint16Array(1 << FEATURE_BITS),
  clock: 0,
  limit: 0xffff,
};
let stamps32: StampTable | null = null;

/** The logit of the whole text, or of its most suspicious window when that is higher. */
export function modelLogit(model: LinearModel, text: string): number {
  const { weights } = model;
  // More chunks than the text has (every chunk but the last holds more than MIN_CHUNK characters).
  const chunkBound = Math.floor(text.length / (MIN_CHUNK + 1)) + 3;
  if (chunkBound >= stamps16.limit && stamps32 === null) {
    stamps32 = { stamps: new Uint32Array(1 << FEATURE_BITS), clock: 0, limit: 0xffff_ffff };
  }
  const table = chunkBound < stamps16.limit || stamps32 === null ? stamps16 : stamps32;
  // Start again before a stamp could pass the limit.
  if (table.clock > table.limit - chunkBound) {
    table.stamps.fill(0);
    table.clock = 0;
  }
  const lastChunk = table.stamps;
  // Chunk k is stamped first + k; first − 1 was never a stamp, so chunk 0 overlaps nothing.
  const first = table.clock + 2;
  let stamp = first;
  let chunks = 0;
  let totalSum = 0;
  let totalCount = 0;
  // The chunk being read and the one before it: a window is two neighbouring chunks, less the
  // features they share (`overlap`), counted once.
  let sum = 0;
  let count = 0;
  let overlapSum = 0;
  let overlapCount = 0;
  let previousSum = 0;
  let previousCount = 0;
  let window = Number.NEGATIVE_INFINITY;
  // One loop with every sum in a local (a callback per chunk kept them in a closure's context, a
  // memory access each: the model took a quarter longer).
  const reader = new ChunkReader(text);
  const features = reader.features;
  let current = 0;
  for (let n = reader.next(); ; n = reader.next()) {
    if (n === -1 || reader.chunk !== current) {
      // The chunk is closed: its window with the one before.
      if (chunks > 0) {
        const distinct = count + previousCount - overlapCount;
        if (distinct > 0)
          window = Math.max(window, (sum + previousSum - overlapSum) / norm(distinct));
      }
      chunks++;
      if (n === -1) break;
      previousSum = sum;
      previousCount = count;
      sum = 0;
      count = 0;
      overlapSum = 0;
      overlapCount = 0;
      current = reader.chunk;
      stamp = first + current;
    }
    for (let k = 0; k < n; k++) {
      const feature = features[k] as number;
      const last = lastChunk[feature] as number;
      if (last === stamp) continue;
      const weight = weights[feature] as number;
      lastChunk[feature] = stamp;
      sum += weight;
      count++;
      if (last < first) {
        totalSum += weight;
        totalCount++;
      } else if (last === stamp - 1) {
        overlapSum += weight;
        overlapCount++;
      }
    }
  }
  table.clock = stamp;
  const whole =
    totalCount > 0 ? model.bias + (model.scale * totalSum) / norm(totalCount) : model.bias;
  // A text of one or two chunks is its only window.
  if (chunks <= 2 || window === Number.NEGATIVE_INFINITY) return whole;
  // The most suspicious of many windows is high by chance more often than one text is: its logit
  // is lowered by WINDOW_PENALTY · ln(windows).
  return Math.max(whole, model.bias + model.scale * window - WINDOW_PENALTY * Math.log(chunks - 1));
}

export const sigmoid = (logit: number): number => 1 / (1 + Math.exp(-logit));
