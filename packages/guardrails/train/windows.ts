// Windows as training examples: the shipped model reads a long text also in windows of two
// neighbouring chunks and keeps the most suspicious (linear.ts `modelLogit`), so a document is
// judged by its worst window. Training on whole documents alone teaches the wrong unit: an
// injected sentence is diluted by the document around it, and a benign document's odd paragraph
// is never seen alone. A first model picks each long text's most suspicious window, which is then
// trained on as a text of its own, with the document's label (a weak label: an injected
// document's worst window is most likely the injection; a benign document's worst window is its
// hardest negative).
import { chunkFeatures, type LinearModel, norm } from '../src/injection/model/linear.ts';
import { countExample, type Example } from './logistic.ts';

/** The features of each chunk of `text`, in order. */
function chunksOf(text: string): Int32Array[] {
  const chunks: Int32Array[] = [];
  chunkFeatures(text, (features, count, chunk) => {
    const previous = chunks[chunk];
    const current = features.slice(0, count);
    if (previous === undefined) chunks[chunk] = current;
    else {
      const joined = new Int32Array(previous.length + count);
      joined.set(previous);
      joined.set(current, previous.length);
      chunks[chunk] = joined;
    }
  });
  return chunks;
}

/** The example of `text`'s most suspicious window under `model`, or null for a short text. */
export function worstWindow(model: LinearModel, text: string, label: 0 | 1): Example | null {
  const chunks = chunksOf(text);
  // A text of one or two chunks is its only window (as `modelLogit` reads it).
  if (chunks.length <= 2) return null;
  const sums = chunks.map((features) => {
    let sum = 0;
    for (const f of features) sum += model.weights[f] as number;
    return sum;
  });
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < chunks.length; i++) {
    const n = (chunks[i - 1] as Int32Array).length + (chunks[i] as Int32Array).length;
    if (n === 0) continue;
    const score = ((sums[i - 1] as number) + (sums[i] as number)) / norm(n);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  if (best < 0) return null;
  return countExample([chunks[best - 1] as Int32Array, chunks[best] as Int32Array], label);
}
