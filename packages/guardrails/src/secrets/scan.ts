import { scanAssignments } from './assignments.ts';
import { type Canary, scanCanaries } from './canary.ts';
import { scanCommandLinePasswords } from './command-lines.ts';
import { scanPatternRules } from './pattern-rules.ts';
import { PEM_BEGIN, scanPem } from './pem.ts';
import {
  type Finding,
  holdFrom,
  type OpenPemBlock,
  resetCarry,
  type ScanCarry,
  type ScanContext,
} from './scan-context.ts';
import { scanTokens, TOKEN_PREFIXES } from './token-rules.ts';
import { endsInHighSurrogate, sourceIndex, sourceSpan, unmask, viewIndex } from './unmask.ts';
import { scanOraclePasswords, scanUrlPasswords } from './urls.ts';

export interface ScanResult {
  findings: Finding[];
  /** Findings at or after this index may still change when more text arrives. */
  frontier: number;
  openPem: OpenPemBlock | null;
}

const PARTIAL_LITERALS: readonly string[] = [...TOKEN_PREFIXES, PEM_BEGIN];

/**
 * Every proper prefix of the literals, read backwards: walking it from the last character of a
 * text finds the longest prefix the text ends with in a few steps.
 */
interface SuffixNode {
  /** The characters walked so far, reversed, are a proper prefix of a literal. */
  prefix: boolean;
  next: Map<number, SuffixNode>;
}

const NO_CANARIES: readonly Canary[] = [];

/** The proper prefixes of the token prefixes and the private-key header, built once. */
function buildPrefixTree(literals: readonly string[]): SuffixNode {
  const root: SuffixNode = { prefix: false, next: new Map() };
  for (const literal of literals) {
    for (let k = 1; k < literal.length; k++) {
      let node = root;
      for (let i = k - 1; i >= 0; i--) {
        const code = literal.charCodeAt(i);
        let child = node.next.get(code);
        if (child === undefined) {
          child = { prefix: false, next: new Map() };
          node.next.set(code, child);
        }
        node = child;
      }
      node.prefix = true;
    }
  }
  return root;
}

const LITERAL_PREFIXES = buildPrefixTree(PARTIAL_LITERALS);

/** The text ends in the first part of a literal that could start a finding: hold from there. */
function holdPartialLiteral(ctx: ScanContext): void {
  const { text } = ctx;
  let node: SuffixNode | undefined = LITERAL_PREFIXES;
  let longest = 0;
  for (let k = 1; k <= text.length - ctx.from; k++) {
    node = node.next.get(text.charCodeAt(text.length - k));
    if (node === undefined) break;
    if (node.prefix) longest = k;
  }
  if (longest > 0) holdFrom(ctx, text.length - longest);
}

function scanText(
  text: string,
  from: number,
  final: boolean,
  canaries: readonly Canary[],
  carry: ScanCarry | null,
): ScanResult {
  const ctx: ScanContext = {
    text,
    from,
    final,
    findings: [],
    frontier: text.length,
    openPem: null,
    carry,
  };
  scanPem(ctx);
  scanTokens(ctx);
  scanPatternRules(ctx);
  scanAssignments(ctx);
  scanUrlPasswords(ctx);
  scanOraclePasswords(ctx);
  scanCommandLinePasswords(ctx);
  scanCanaries(ctx, canaries);
  if (!final) holdPartialLiteral(ctx);
  return { findings: ctx.findings, frontier: ctx.frontier, openPem: ctx.openPem };
}

/**
 * Finds every secret that starts at or after `from` in `text` (earlier text is context). With
 * `final` false the text may still grow: the result also says from where it may change. A stream
 * passes the same `carry` to every scan of its buffer.
 *
 * A text with disguised characters (see unmask.ts) is scanned as its unmasked view; each finding
 * then covers every character of the original that gave it, invisible ones included.
 */
export function scanSecrets(
  text: string,
  from: number,
  final: boolean,
  canaries: readonly Canary[] = NO_CANARIES,
  carry: ScanCarry | null = null,
): ScanResult {
  // The second half of a pair may still arrive and make a character the rules read: the text is
  // scanned as if it ended before the first half, which is held. Only the last character can
  // still be paired, so one is cut whatever precedes it (a run of lone first halves is text).
  if (!final && endsInHighSurrogate(text)) {
    const result = scanUnmasked(text.slice(0, -1), from, final, canaries, carry);
    result.frontier = Math.min(result.frontier, text.length - 1);
    return result;
  }
  return scanUnmasked(text, from, final, canaries, carry);
}

/** `scanSecrets` of a text whose end is not the first half of a pair still open. */
function scanUnmasked(
  text: string,
  from: number,
  final: boolean,
  canaries: readonly Canary[],
  carry: ScanCarry | null,
): ScanResult {
  const view = unmask(text, final, carry?.view ?? null);
  if (view === null) return scanText(text, from, final, canaries, carry);
  // What the carry knows is indexed by the text, not by this view: start it afresh. What it
  // knows of the view holds while the view's settled part is the one it was learnt from.
  let inView: ScanCarry | null = null;
  if (carry !== null) {
    resetCarry(carry);
    inView = carry.inView;
    const generation = view.reordered ? -1 : carry.view.generation;
    if (inView !== null && (generation === -1 || generation !== carry.viewGeneration)) {
      resetCarry(inView);
    }
    carry.viewGeneration = generation;
  }
  // A construct the end leaves open is read once it is complete: the view ends before it.
  const read = view.openView === -1 ? view.text : view.text.slice(0, view.openView);
  const found = scanText(read, viewIndex(view, from), final, canaries, inView);
  const result: ScanResult = {
    // A span widened to the bidi controls around it stays within what the scan may report.
    findings: found.findings.map(({ start, end, type }) => {
      const [first, to] = sourceSpan(view, start, end);
      return { start: Math.max(first, from), end: to, type };
    }),
    frontier: Math.max(from, sourceIndex(view, found.frontier)),
    // A stream reads an open block on in the original text, where the disguise would end it:
    // the block is held until it ends instead.
    openPem: null,
  };
  if (found.openPem !== null) {
    const start = Math.max(from, sourceIndex(view, found.openPem.start));
    result.frontier = Math.min(result.frontier, start);
  }
  // A right-to-left span or markup that the end of the text leaves open may still change.
  if (view.openAt !== -1) result.frontier = Math.min(result.frontier, Math.max(from, view.openAt));
  return result;
}
