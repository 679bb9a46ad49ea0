import { CspEvaluator, DEFAULT_CHECKS, STRICTCSP_CHECKS } from 'csp_evaluator/dist/evaluator.js';
import { Severity } from 'csp_evaluator/dist/finding.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';

export interface CspFinding {
  severity: string;
  directive: string;
  value: string | undefined;
  description: string;
}

/** Severities SPEC section 12 refuses; STRICT_CSP and INFO findings are advice. */
const REFUSED = new Set<string>(['HIGH', 'SYNTAX', 'MEDIUM', 'HIGH_MAYBE', 'MEDIUM_MAYBE']);

/** Google's csp_evaluator, default and strict-CSP checks, as its web tool runs them. */
export function judgeCsp(policy: string): { findings: CspFinding[]; refused: CspFinding[] } {
  const findings = new CspEvaluator(new CspParser(policy).csp)
    .evaluate(undefined, [...DEFAULT_CHECKS, ...STRICTCSP_CHECKS])
    .map((f) => ({
      severity: Severity[f.severity] ?? String(f.severity),
      directive: f.directive,
      value: f.value,
      description: f.description,
    }));
  return { findings, refused: findings.filter((f) => REFUSED.has(f.severity)) };
}
