import { Buffer } from 'node:buffer';
import { type LinearModel, modelLogit, sigmoid } from './linear.ts';
import { BIAS, SCALE, WEIGHTS_BASE64 } from './weights.ts';

/** The shipped model (train/train.ts wrote its weights). */
export const INJECTION_MODEL: LinearModel = {
  bias: BIAS,
  scale: SCALE,
  weights: new Int8Array(Buffer.from(WEIGHTS_BASE64, 'base64')),
};

/**
 * The model's probability at which it flags a text alone. Chosen once from the
 * leave-one-source-out curve (README): the highest recall at about 5% false positives.
 */
export const MODEL_THRESHOLD = 0.75;

/** The model's probability that `view` (a text as `modelView` reads it) is an injection. */
export const modelProbability = (view: string): number =>
  sigmoid(modelLogit(INJECTION_MODEL, view));

/**
 * The probability on the rules' scale, where 0.5 flags: 0.5 at MODEL_THRESHOLD, linear on
 * either side of it.
 */
export function modelScore(probability: number): number {
  return probability < MODEL_THRESHOLD
    ? (0.5 * probability) / MODEL_THRESHOLD
    : 0.5 + (0.5 * (probability - MODEL_THRESHOLD)) / (1 - MODEL_THRESHOLD);
}
