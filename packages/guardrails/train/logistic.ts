// Logistic regression over the hashed features, trained with AdaGrad from a fixed seed: the same
// examples give the same weights, bit for bit, on the same Node version.
import { FEATURE_BITS } from '../src/injection/model/features.ts';
import { chunkFeatures, type LinearModel, norm } from '../src/injection/model/linear.ts';
import { random } from './random.ts';

export interface Example {
  /** Distinct features, ascending. */
  features: Int32Array;
  /** One over the root of the text's distinct feature count, for each feature (see LinearModel). */
  values: Float64Array;
  label: 0 | 1;
  /** How much the example counts in the loss (classes are balanced). */
  weight: number;
}

export interface FitOptions {
  epochs: number;
  rate: number;
  l2: number;
  seed: number;
}

export const FIT_OPTIONS: FitOptions = { epochs: 12, rate: 0.3, l2: 1e-4, seed: 14 };

export function toExample(text: string, label: 0 | 1): Example {
  const distinct = new Set<number>();
  chunkFeatures(text, (features, count) => {
    for (let k = 0; k < count; k++) distinct.add(features[k] as number);
  });
  const features = Int32Array.from(distinct).sort();
  const value = 1 / norm(features.length);
  return { features, values: new Float64Array(features.length).fill(value), label, weight: 1 };
}

/** Float weights; each class weighs half of the loss whatever its size. */
export function fit(examples: readonly Example[], options: FitOptions = FIT_OPTIONS): LinearModel {
  const weights = new Float64Array(1 << FEATURE_BITS);
  const squares = new Float64Array(1 << FEATURE_BITS).fill(1e-8);
  let bias = 0;
  let biasSquares = 1e-8;
  const positives = examples.filter((e) => e.label === 1).length;
  const classWeight = [
    examples.length / (2 * Math.max(1, examples.length - positives)),
    examples.length / (2 * Math.max(1, positives)),
  ];
  const order = examples.map((_, i) => i);
  const next = random(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const e = examples[index] as Example;
      let logit = bias;
      for (let k = 0; k < e.features.length; k++) {
        logit += (weights[e.features[k] as number] as number) * (e.values[k] as number);
      }
      const p = 1 / (1 + Math.exp(-logit));
      const g = (p - e.label) * (classWeight[e.label] as number) * e.weight;
      for (let k = 0; k < e.features.length; k++) {
        const f = e.features[k] as number;
        const w = weights[f] as number;
        const grad = g * (e.values[k] as number) + options.l2 * w;
        squares[f] = (squares[f] as number) + grad * grad;
        weights[f] = w - (options.rate * grad) / Math.sqrt(squares[f] as number);
      }
      biasSquares += g * g;
      bias -= (options.rate * g) / Math.sqrt(biasSquares);
    }
  }
  return { bias, scale: 1, weights };
}

/** Weights as signed bytes and one scale: a quarter of the float32 size, same decisions. */
export function quantise(model: LinearModel): LinearModel {
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max === 0 ? 1 : max / 127;
  const weights = Int8Array.from(model.weights, (w) => Math.round(w / scale));
  return { bias: Math.round(model.bias * 1e6) / 1e6, scale, weights };
}
