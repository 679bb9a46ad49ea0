import type { SecretName } from './key-names.ts';
import type { PemBodyState } from './pem-body.ts';
import { ViewCache } from './unmask.ts';

/** A span of the scanned text that must be redacted, and what it is. */
export interface Finding {
  start: number;
  end: number;
  type: string;
}

/** A private-key block that has been recognised but whose end has not arrived yet. */
export interface OpenPemBlock {
  start: number;
  /** Everything before this index (from `start`) belongs to the block. */
  resumeAt: number;
  state: PemBodyState;
}

/** Where the value of a name starts, and what separates the two. */
export interface ValueSite {
  start: number;
  /**
   * `=`, `:`, `,` (quoted name and value, as in a call), `>` (an XML element), `|` (a Markdown
   * table) or ` ` (prose).
   */
  separator: string;
  /** The value opens with a quote or a brace. */
  quoted: boolean;
  /** The value opens with a brace (`Pwd={…}`) and runs to the closing one. */
  braced: boolean;
}

/** A name that says its value is a credential, and where it stands. */
export interface NameAt {
  start: number;
  end: number;
  readonly name: SecretName;
  /** Where its value starts: undefined until enough text follows the name to tell, null if none. */
  site: ValueSite | null | undefined;
}

/**
 * What a stream keeps from one scan of its buffer to the next, so that the rules need not search
 * the context before `from` again at every chunk. Indices refer to the buffer; `shiftCarry`
 * follows the stream when it drops text from the front.
 */
export interface ScanCarry {
  /** Secret names already judged, in order (a scan keeps those that may still matter). */
  names: NameAt[];
  /** Every name that ends before this index has been judged; -1 when unknown. */
  namesFrom: number;
  lastJudged: LastJudged;
  /** The last `-p` and `.netrc` passwords judged: each scan of a stream judges them once. */
  readonly lastFlag: JudgedValue;
  readonly lastNetrc: JudgedValue;
  /** The view of the buffer as far as no later text can change it (the stream resets it). */
  readonly view: ViewCache;
  /**
   * What the rules learnt about the view of the buffer, indexed by the view: a scan of a
   * disguised buffer starts from it while the view's settled part stays the same (the view
   * cache's `generation` is `viewGeneration`). Null in itself.
   */
  readonly inView: ScanCarry | null;
  viewGeneration: number;
}

/** A value and whether it was judged a password (a pure function of the value). */
export interface JudgedValue {
  value: string;
  password: boolean;
}

/**
 * The names and the last value the assignment rule judged, with its verdicts: a wall of repeated
 * assignments, or the next scan of a stream, judges them once. Kept by one scan or one stream
 * only, so nothing read outlives the text it came from.
 */
export interface LastJudged {
  /** Verdicts by name; emptied when full, so endless distinct names cannot grow it. */
  names: Map<string, SecretName | null>;
  value: string;
  separator: string;
  terminator: number;
  credential: boolean;
}

export function newLastJudged(): LastJudged {
  return { names: new Map(), value: '', separator: '', terminator: -1, credential: false };
}

/**
 * What every rule reads and writes while scanning one text. Rules report findings that start at
 * or after `from` (earlier text is context they may look back into) and, when the text may still
 * grow (`final` false), lower `frontier` to the start of anything they cannot decide yet. Nothing
 * that starts at or after the frontier is released, so a rule may stop looking there.
 */
export interface ScanContext {
  readonly text: string;
  readonly from: number;
  readonly final: boolean;
  readonly findings: Finding[];
  frontier: number;
  openPem: OpenPemBlock | null;
  /** Kept by a stream between scans of its buffer; null for a single scan. */
  readonly carry: ScanCarry | null;
}

export function holdFrom(ctx: ScanContext, index: number): void {
  if (index < ctx.frontier) ctx.frontier = index;
}

/** Longest distance any rule looks back from the start of a finding. */
export const LOOKBEHIND = 256;

export function newCarry(): ScanCarry {
  const view = new ViewCache();
  const carry = (inView: ScanCarry | null): ScanCarry => ({
    names: [],
    namesFrom: -1,
    lastJudged: newLastJudged(),
    lastFlag: { value: '', password: false },
    lastNetrc: { value: '', password: false },
    view,
    inView,
    viewGeneration: -1,
  });
  return carry(carry(null));
}

/** Forgets the names the carry knows: the next scan searches its context again. */
export function resetCarry(carry: ScanCarry): void {
  carry.names = [];
  carry.namesFrom = -1;
}

/** The stream dropped `count` characters from the front of its buffer. */
export function shiftCarry(carry: ScanCarry, count: number): void {
  if (count === 0) return;
  if (carry.namesFrom < count) {
    resetCarry(carry);
    return;
  }
  carry.namesFrom -= count;
  for (const at of carry.names) {
    at.start -= count;
    at.end -= count;
    if (at.site) at.site.start -= count;
  }
}
