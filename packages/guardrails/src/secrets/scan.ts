import { scanAssignments } from './assignments.ts';
import { PEM_BEGIN, scanPem } from './pem.ts';
import { type Finding, holdFrom, type OpenPemBlock, type ScanContext } from './scan-context.ts';
import { scanTokens, TOKEN_PREFIXES } from './token-rules.ts';
import { scanUrlPasswords } from './urls.ts';

export interface ScanResult {
  findings: Finding[];
  /** Findings at or after this index may still change when more text arrives. */
  frontier: number;
  openPem: OpenPemBlock | null;
}

const PARTIAL_LITERALS: readonly string[] = [...TOKEN_PREFIXES, PEM_BEGIN];

/** The text ends in the first part of a literal that could start a finding: hold from there. */
function holdPartialLiteral(ctx: ScanContext, literals: readonly string[]): void {
  const { text } = ctx;
  for (const literal of literals) {
    const longest = Math.min(literal.length - 1, text.length - ctx.from);
    for (let k = longest; k > 0; k--) {
      if (text.endsWith(literal.slice(0, k))) {
        holdFrom(ctx, text.length - k);
        break;
      }
    }
  }
}

function scanCanaries(ctx: ScanContext, canaries: readonly string[]): void {
  for (const canary of canaries) {
    for (let at = ctx.text.indexOf(canary, ctx.from); at !== -1; at = ctx.text.indexOf(canary, at + 1)) {
      ctx.findings.push({ start: at, end: at + canary.length, type: 'canary' });
    }
  }
}

/**
 * Finds every secret that starts at or after `from` in `text` (earlier text is context). With
 * `final` false the text may still grow: the result also says from where it may change.
 */
export function scanSecrets(
  text: string,
  from: number,
  final: boolean,
  canaries: readonly string[] = [],
): ScanResult {
  const ctx: ScanContext = { text, from, final, findings: [], frontier: text.length, openPem: null };
  scanPem(ctx);
  scanTokens(ctx);
  scanAssignments(ctx);
  scanUrlPasswords(ctx);
  scanCanaries(ctx, canaries);
  if (!final) holdPartialLiteral(ctx, canaries.length ? [...PARTIAL_LITERALS, ...canaries] : PARTIAL_LITERALS);
  return { findings: ctx.findings, frontier: ctx.frontier, openPem: ctx.openPem };
}
