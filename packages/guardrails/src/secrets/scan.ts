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

/** Every proper prefix of the literals, and the longest one. */
interface Prefixes {
  set: Set<string>;
  longest: number;
}

const NO_CANARIES: readonly string[] = [];
/** By list of canaries (a stream redactor passes the same list every time). */
const prefixCache = new WeakMap<readonly string[], Prefixes>();

/** The proper prefixes of the token prefixes, the private-key header and the canaries. */
function prefixesOf(canaries: readonly string[]): Prefixes {
  let prefixes = prefixCache.get(canaries);
  if (prefixes === undefined) {
    const set = new Set<string>();
    for (const literal of [...PARTIAL_LITERALS, ...canaries]) {
      for (let k = 1; k < literal.length; k++) set.add(literal.slice(0, k));
    }
    prefixes = { set, longest: Math.max(0, ...[...set].map((p) => p.length)) };
    prefixCache.set(canaries, prefixes);
  }
  return prefixes;
}

/** The text ends in the first part of a literal that could start a finding: hold from there. */
function holdPartialLiteral(ctx: ScanContext, canaries: readonly string[]): void {
  const { text } = ctx;
  const { set, longest } = prefixesOf(canaries);
  for (let k = Math.min(longest, text.length - ctx.from); k > 0; k--) {
    if (set.has(text.slice(text.length - k))) {
      holdFrom(ctx, text.length - k);
      return;
    }
  }
}

function scanCanaries(ctx: ScanContext, canaries: readonly string[]): void {
  for (const canary of canaries) {
    for (
      let at = ctx.text.indexOf(canary, ctx.from);
      at !== -1;
      at = ctx.text.indexOf(canary, at + 1)
    ) {
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
  canaries: readonly string[] = NO_CANARIES,
): ScanResult {
  const ctx: ScanContext = {
    text,
    from,
    final,
    findings: [],
    frontier: text.length,
    openPem: null,
  };
  scanPem(ctx);
  scanTokens(ctx);
  scanAssignments(ctx);
  scanUrlPasswords(ctx);
  scanCanaries(ctx, canaries);
  if (!final) holdPartialLiteral(ctx, canaries);
  return { findings: ctx.findings, frontier: ctx.frontier, openPem: ctx.openPem };
}
