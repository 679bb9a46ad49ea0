import { compileCanaries } from './canary.ts';
import { scanSecrets } from './scan.ts';
import type { Finding } from './scan-context.ts';

export interface Redaction {
  type: string;
  /** Offsets into the original text. */
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  redactions: Redaction[];
}

export const placeholder = (type: string): string => `[REDACTED:${type}]`;

/**
 * Orders findings and makes them disjoint. A private-key block wins over anything overlapping it
 * (a finding that starts before the block is cut at the block); other overlaps merge into one span
 * so that no part of either secret survives.
 */
export function resolveFindings(findings: readonly Finding[]): Finding[] {
  if (findings.length === 0) return [];
  // On the same span, a specific type is reported rather than a generic assignment.
  const generic = (f: Finding): number => (f.type === 'generic-assignment' ? 1 : 0);
  const sorted = [...findings].sort(
    (a, b) => a.start - b.start || b.end - a.end || generic(a) - generic(b),
  );
  const spans: Finding[] = [];
  for (const finding of sorted) {
    const last = spans.at(-1);
    if (finding.type === 'private-key') {
      if (last && last.end > finding.start) {
        if (last.type === 'private-key') continue;
        last.end = finding.start;
        if (last.end <= last.start) spans.pop();
      }
      spans.push({ ...finding });
    } else if (last && finding.start < last.end) {
      if (last.type !== 'private-key') last.end = Math.max(last.end, finding.end);
    } else {
      spans.push({ ...finding });
    }
  }
  return spans;
}

/** `text[from, to)` with every span inside it replaced by its placeholder. */
export function renderRange(
  text: string,
  from: number,
  to: number,
  spans: readonly Finding[],
): string {
  let out = '';
  let at = from;
  for (const span of spans) {
    if (span.start < from || span.end > to) continue;
    out += text.slice(at, span.start) + placeholder(span.type);
    at = span.end;
  }
  return out + text.slice(at, to);
}

/** Redacts secrets and, when given, canary strings; offsets refer to the original text. */
export function redactWith(text: string, canaries: readonly string[] = []): RedactionResult {
  const spans = resolveFindings(scanSecrets(text, 0, true, compileCanaries(canaries)).findings);
  return {
    text: renderRange(text, 0, text.length, spans),
    redactions: spans.map(({ type, start, end }) => ({ type, start, end })),
  };
}

export function redactSecrets(text: string): RedactionResult {
  return redactWith(text);
}
