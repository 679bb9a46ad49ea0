// Trains the injection model from labelled rows: the rules' normaliser and decoder give the text
// the model reads (`ruleAnalysis(…).modelView`), so obfuscation is undone before it learns.
import { ruleAnalysis } from '../src/injection/detect.ts';
import type { LinearModel } from '../src/injection/model/linear.ts';
import type { Row } from './data.ts';
import { type Example, fit, quantise, toExample } from './logistic.ts';

/** A row as the model and the rules see it. */
export interface Prepared {
  row: Row;
  /** The rules' score (0..1). */
  rules: number;
  /** The text the model reads. */
  view: string;
  example: Example;
}

export function prepare(rows: readonly Row[]): Prepared[] {
  return rows.map((row) => {
    const { score, modelView } = ruleAnalysis(row.text, { documents: true });
    return { row, rules: score, view: modelView, example: toExample(modelView, row.label) };
  });
}

// A source with thousands of rows would otherwise teach its own style: each group of rows with
// the same families and label weighs about as much as BALANCED rows, within [MIN, MAX] per row.
const BALANCED = 150;
const MIN_WEIGHT = 0.2;
const MAX_WEIGHT = 3;

/** The shipped form of the model (quantised) trained on `prepared`. */
export function trainModel(prepared: readonly Prepared[]): LinearModel {
  const sizes = new Map<string, number>();
  const key = (p: Prepared): string => `${p.row.families.join('+')}:${p.row.label}`;
  for (const p of prepared) sizes.set(key(p), (sizes.get(key(p)) ?? 0) + 1);
  const examples = prepared.map((p) => ({
    ...p.example,
    weight: Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, BALANCED / (sizes.get(key(p)) as number))),
  }));
  return quantise(fit(examples));
}
