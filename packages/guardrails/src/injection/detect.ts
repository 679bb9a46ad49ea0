import { squash, textNormalizer } from '../normalize.ts';
import { re } from '../patterns.ts';
import { type AnchorHits, anchorPositions, anchorTrie, hasAnchor } from './anchors.ts';
import { codeRiskWeight } from './code-risk.ts';
import { decodePayloads } from './decode.ts';
import {
  DOCUMENT_ANCHORS,
  type DocumentKind,
  documentKind,
  hasRequestLine,
  startsLikeEmail,
} from './document.ts';
import type { Label } from './labels.ts';
import { modelProbability, modelScore } from './model/model.ts';
import { DESCRIPTION_ANCHORS, insideAny, QuoteReading } from './quotes.ts';
import {
  CLAUSE_BEFORE,
  type InjectionRule,
  PERSONA_WORDS,
  POLICY_WORDS,
  RULES,
  vocabularyWeight,
} from './rules.ts';
import { sentenceOpener } from './sentence.ts';
import { joinSpacedRuns } from './spaced-runs.ts';

export interface InjectionResult {
  flagged: boolean;
  /** 0..1: how strongly the evidence points at an injection. */
  score: number;
  /** Labels of the evidence that counted, strongest first. */
  patterns: string[];
}

export interface AnalyzeOptions {
  /** Apply the rules for retrieved documents when the text looks like one (off for user messages). */
  documents: boolean;
  /** Run every rule whatever anchors the text has (tests compare this with the gated result). */
  ungated?: boolean;
}

/** A score at or above this flags the text. */
export const FLAG_THRESHOLD = 0.5;
/** Evidence weaker than this is not named in `patterns`. */
const NAMED_WEIGHT = 0.25;
/** Weight kept by a match that only mentions an attack (quoted in a discussion, negated, scoped). */
const MENTION = 0.35;
const MAX_MATCHES_PER_RULE = 4;
const MAX_DECODE_DEPTH = 2;
const REQUEST_LINE_WEIGHT = 0.5;
const OBFUSCATION_WEIGHT = 0.2;

const GATED_RULES = RULES.filter((rule) => rule.view !== 'squashed');
const SQUASHED_RULES = RULES.filter((rule) => rule.view === 'squashed');

/** A pattern's leading group of words, and its leading letters, neither made optional. */
const LEADING_GROUP = re(/^\(\?:([a-z]+(?:\|[a-z]+)*)\)(?![?*{])/);
const LEADING_LETTERS = re(/^[a-z]+(?![?*{])/);

/**
 * The words every match of a letters-only rule begins with, read from its pattern: its leading
 * group of alternatives, or its leading letters (a rule written otherwise is refused at load).
 */
export function leadingWords(pattern: RegExp): string[] {
  const source = pattern.source;
  const group = LEADING_GROUP.exec(source);
  if (group !== null) return (group[1] as string).split('|');
  const letters = LEADING_LETTERS.exec(source);
  if (letters !== null) return [letters[0]];
  throw new Error(`a letters-only rule must begin with a word or a group of words: /${source}/`);
}

// A letters-only text has no word starts for the anchor gate: one search finds every place where
// a letters-only rule may begin, and each rule is tried only there (anchored, `y`).
const SQUASHED_STICKY = SQUASHED_RULES.map((rule) =>
  re(new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('g', '')}y`)),
);
const SQUASHED_STARTS = re(
  new RegExp(
    `(?:${[...new Set(SQUASHED_RULES.flatMap((rule) => leadingWords(rule.pattern)))].join('|')})`,
    'g',
  ),
);

/** Where a letters-only rule may begin in `squashed`: every place one of their words begins. */
function squashedStarts(squashed: string): number[] {
  const starts: number[] = [];
  SQUASHED_STARTS.lastIndex = 0;
  for (let m = SQUASHED_STARTS.exec(squashed); m !== null; m = SQUASHED_STARTS.exec(squashed)) {
    starts.push(m.index);
    SQUASHED_STARTS.lastIndex = m.index + 1; // words may overlap (`godeveloper`)
  }
  return starts;
}

/** A match of the `index`th letters-only rule begins at one of `starts`. */
function squashedMatch(index: number, squashed: string, starts: readonly number[]): boolean {
  const sticky = SQUASHED_STICKY[index] as RegExp;
  for (const at of starts) {
    sticky.lastIndex = at;
    if (sticky.test(squashed)) return true;
  }
  return false;
}

/** The anchors at which every match of `rule` begins, or null when it is searched along the text. */
function startAnchors(rule: InjectionRule): readonly string[] | null {
  if (rule.startsAt === undefined || rule.view === 'cased') return null;
  return rule.startsAt === true ? (rule.requires[0] ?? null) : rule.startsAt;
}

/** A gated rule: the requirement groups it needs and, if it has them, the places it may start. */
interface Gate {
  groups: number[];
  /** Indices of its start anchors in `ANCHORS`. */
  starts: number[] | null;
  /** The pattern without the global flag, matching only at `lastIndex`. */
  sticky: RegExp | null;
}

/** Every anchor the gate looks for, known by its index here. */
const ANCHORS: string[] = [];
const ANCHOR_INDEX = new Map<string, number>();
function anchorIndex(anchor: string): number {
  let index = ANCHOR_INDEX.get(anchor);
  if (index === undefined) {
    index = ANCHORS.push(anchor) - 1;
    ANCHOR_INDEX.set(anchor, index);
  }
  return index;
}

/** Rules that start at the same anchors share one list of them, so a text merges their places once. */
const STARTS_BY_KEY = new Map<string, number[]>();
function sharedStarts(anchors: readonly string[]): number[] {
  const indices = anchors.map(anchorIndex);
  const key = indices.join(',');
  const known = STARTS_BY_KEY.get(key);
  if (known !== undefined) return known;
  STARTS_BY_KEY.set(key, indices);
  return indices;
}

// Each requirement group of each rule gets an id; an anchor lists the groups it satisfies. The
// start anchors of a rule are one more group: a match needs one of them.
const GATES: Gate[] = [];
/** By anchor index: the requirement groups the anchor satisfies. */
const GROUPS_OF_ANCHOR: number[][] = [];
let groupCount = 0;
for (const rule of GATED_RULES) {
  const starts = startAnchors(rule);
  const groups: number[] = [];
  for (const group of starts === null ? rule.requires : [...rule.requires, starts]) {
    const id = groupCount++;
    groups.push(id);
    for (const anchor of group) {
      const index = anchorIndex(anchor);
      GROUPS_OF_ANCHOR[index] = [...(GROUPS_OF_ANCHOR[index] ?? []), id];
    }
  }
  const sticky =
    starts === null
      ? null
      : re(new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('g', '')}y`));
  GATES.push({ groups, starts: starts === null ? null : sharedStarts(starts), sticky });
}
const DOCUMENT_ANCHOR_INDICES = DOCUMENT_ANCHORS.map(anchorIndex);
const DESCRIPTION_ANCHOR_INDICES = DESCRIPTION_ANCHORS.map(anchorIndex);
/** The rule each requirement group belongs to. */
const RULE_OF_GROUP = GATES.flatMap((gate, index) => gate.groups.map(() => index));
const GROUPS_PER_RULE = Uint8Array.from(GATES, (gate) => gate.groups.length);

// Scratch memory of runnableRules, which runs to completion before it is called again: a
// group is satisfied when its mark is the current call's number.
const groupMarks = new Uint32Array(groupCount);
const groupsMissing = new Uint8Array(GATES.length);
let call = 0;

/** Indices of the gated rules whose requirement groups all have an anchor in `hits`, ascending. */
function runnableRules(hits: AnchorHits): number[] {
  if (++call === 0xffffffff) {
    groupMarks.fill(0);
    call = 1;
  }
  groupsMissing.set(GROUPS_PER_RULE);
  for (const anchor of hits.present) {
    for (const id of GROUPS_OF_ANCHOR[anchor] ?? []) {
      if (groupMarks[id] === call) continue;
      groupMarks[id] = call;
      const rule = RULE_OF_GROUP[id] as number;
      groupsMissing[rule] = (groupsMissing[rule] as number) - 1;
    }
  }
  const runnable: number[] = [];
  for (let index = 0; index < groupsMissing.length; index++)
    if (groupsMissing[index] === 0) runnable.push(index);
  return runnable;
}

/** Normalises a text and finds the anchors in it. */
const normalizeText = textNormalizer(anchorTrie(ANCHORS));

/** Ascending positions (repeats possible) where any of the `anchors` (indices) occurs. */
function positionsOf(hits: AnchorHits, anchors: readonly number[]): readonly number[] {
  let merged: readonly number[] = [];
  let sources = 0;
  for (const anchor of anchors) {
    const positions = anchorPositions(hits, anchor);
    if (positions.length === 0) continue;
    merged = sources++ === 0 ? positions : merged.concat(positions);
  }
  // Only a merge of several anchors' positions needs sorting (and is a fresh array).
  return sources > 1 ? (merged as number[]).sort((a, b) => a - b) : merged;
}

interface Evidence {
  label: Label;
  weight: number;
}

interface Analysis {
  score: number;
  evidence: Map<string, Evidence>;
  /** What the model reads: the folded text with spaced-out letters joined, and the same view of
   * every decoded payload. */
  modelView: string;
}

function lazy<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

function strongest(evidence: Map<string, Evidence>, group: string, found: Evidence): void {
  const current = evidence.get(group);
  if (current === undefined || found.weight > current.weight) evidence.set(group, found);
}

/** The match states a rule or scopes itself to content ("must not reveal", "ignore … in emails"). */
function describes(rule: InjectionRule, text: string, start: number, end: number): boolean {
  if (rule.describedBefore?.test(text.slice(Math.max(0, start - 24), start))) return true;
  if (rule.describedAfter) {
    rule.describedAfter.lastIndex = end;
    if (rule.describedAfter.test(text)) return true;
  }
  return false;
}

/** Finds the matches of a rule in turn: along the text, or only at the places it may start. */
class Matcher {
  private next = 0;
  private from = 0;
  private readonly text: string;
  private readonly pattern: RegExp;
  private readonly starts: ArrayLike<number> | null;

  constructor(text: string, pattern: RegExp, starts: ArrayLike<number> | null) {
    this.text = text;
    this.pattern = pattern;
    this.starts = starts;
    pattern.lastIndex = 0;
  }

  exec(): RegExpExecArray | null {
    const { text, pattern, starts } = this;
    if (starts === null) {
      const match = pattern.exec(text);
      if (match !== null && match[0].length === 0) pattern.lastIndex++;
      return match;
    }
    while (this.next < starts.length) {
      const at = starts[this.next++] as number;
      if (at < this.from) continue;
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (match !== null) {
        this.from = match.index + Math.max(1, match[0].length);
        return match;
      }
      this.from = at + 1;
    }
    return null;
  }

  done(): void {
    this.pattern.lastIndex = 0;
  }
}

/** `weight` for the first match that is an order, less for one that is only a mention, 0 for none. */
function ruleWeight(
  rule: InjectionRule,
  matcher: Matcher,
  text: string,
  weight: number,
  quotes: QuoteReading,
): number {
  let best = 0;
  for (let i = 0; i < MAX_MATCHES_PER_RULE; i++) {
    const match = matcher.exec();
    if (match === null) break;
    if (
      rule.clauseStart &&
      !CLAUSE_BEFORE.test(text.slice(Math.max(0, match.index - 24), match.index))
    ) {
      continue;
    }
    if (rule.sentenceVerb && !rule.sentenceVerb.has(sentenceOpener(text, match.index, 16) ?? '')) {
      continue;
    }
    const end = match.index + match[0].length;
    const quoted = quotes.discussion && insideAny(quotes.ranges, match.index, end);
    if (!quoted && !describes(rule, text, match.index, end)) {
      best = weight;
      break;
    }
    best = Math.max(best, weight * MENTION);
  }
  matcher.done();
  return best;
}

/** Distinct words of `lexicon` in `text`, counting up to `cap`. */
function distinctWords(lexicon: RegExp, text: string, cap: number): number {
  const seen = new Set<string>();
  lexicon.lastIndex = 0;
  for (let m = lexicon.exec(text); m !== null && seen.size < cap; m = lexicon.exec(text)) {
    seen.add(m[0]);
  }
  lexicon.lastIndex = 0;
  return seen.size;
}

function analyze(text: string, options: AnalyzeOptions, depth: number): Analysis {
  const normalized = normalizeText(text);
  const { cased, folded, disguised, spacedLetters, encodedRuns, anchors: present } = normalized;
  const evidence = new Map<string, Evidence>();
  const mayBeEmail = lazy(
    () => DOCUMENT_ANCHOR_INDICES.some((a) => hasAnchor(present, a)) || startsLikeEmail(cased),
  );
  const kind = lazy<DocumentKind | null>(() =>
    options.documents ? documentKind(cased, mayBeEmail()) : null,
  );
  const descriptionStarts: Array<readonly number[]> = [];
  for (const anchor of DESCRIPTION_ANCHOR_INDICES) {
    if (hasAnchor(present, anchor)) descriptionStarts.push(anchorPositions(present, anchor));
  }
  const quotesFolded = new QuoteReading(folded, descriptionStarts);
  const quotesCased = new QuoteReading(cased);
  const ungated = options.ungated === true;

  const merged = new Map<readonly number[], readonly number[]>();
  const startsIn = (anchors: readonly number[]): readonly number[] => {
    let positions = merged.get(anchors);
    if (positions === undefined) {
      positions = positionsOf(present, anchors);
      merged.set(anchors, positions);
    }
    return positions;
  };
  const indices = ungated ? GATED_RULES.map((_, index) => index) : runnableRules(present);
  for (const index of indices) {
    const rule = GATED_RULES[index] as InjectionRule;
    const gate = GATES[index] as Gate;
    if (rule.alsoIn && !rule.alsoIn.some((word) => folded.includes(word))) continue;
    const weight =
      rule.inDocument !== undefined && kind() !== null
        ? rule.inDocument
        : options.documents && rule.inContent !== undefined
          ? rule.inContent
          : rule.weight;
    const onCased = rule.view === 'cased';
    const view = onCased ? cased : folded;
    const matcher =
      ungated || gate.sticky === null || gate.starts === null
        ? new Matcher(view, rule.pattern, null)
        : new Matcher(view, gate.sticky, startsIn(gate.starts));
    const found = ruleWeight(rule, matcher, view, weight, onCased ? quotesCased : quotesFolded);
    if (found > 0) strongest(evidence, rule.group, { label: rule.label, weight: found });
  }

  // The jailbreak register and risky code never flag a text alone (their weights stay below the
  // threshold); they are only worth computing to corroborate other evidence.
  if (evidence.size > 0) {
    const vocabulary = vocabularyWeight(
      distinctWords(PERSONA_WORDS, folded, 2),
      distinctWords(POLICY_WORDS, folded, 6),
    );
    if (vocabulary > 0) {
      strongest(evidence, 'vocabulary', { label: 'role-play-jailbreak', weight: vocabulary });
    }
    const codeRisk = codeRiskWeight(folded);
    if (codeRisk > 0) strongest(evidence, 'code-risk', { label: 'tool-abuse', weight: codeRisk });
  }

  if (options.documents && (mayBeEmail() || folded.includes('|'))) {
    const k = kind();
    if ((k === 'table' || k === 'email') && hasRequestLine(cased, k)) {
      strongest(evidence, 'request-line', {
        label: 'indirect-instruction',
        weight: REQUEST_LINE_WEIGHT,
      });
    }
  }

  const obfuscated = disguised || spacedLetters;
  // The model and the letters-only view read the text's own words when it describes what it
  // quotes (documentation quoting attacks): a quoted attack there is a mention, as it is for the
  // rules in a discussion. The folded text has invisible characters removed and look-alikes
  // folded in place; the model reads spaced-out letters joined in place too, and never the whole
  // text's letters-only view, which only the letters-only rules read.
  const ownText = quotesFolded.modelText;
  let modelView = spacedLetters ? joinSpacedRuns(ownText) : ownText;
  if (obfuscated || depth > 0) {
    const squashed = squash(ownText);
    const starts = ungated ? null : squashedStarts(squashed);
    SQUASHED_RULES.forEach((rule, index) => {
      if (evidence.has(rule.group)) return;
      rule.pattern.lastIndex = 0;
      const found =
        starts === null ? rule.pattern.test(squashed) : squashedMatch(index, squashed, starts);
      rule.pattern.lastIndex = 0;
      if (found) {
        strongest(evidence, rule.group, { label: rule.label, weight: rule.weight });
        strongest(evidence, 'obfuscation', { label: 'obfuscation', weight: OBFUSCATION_WEIGHT });
      }
    });
  }

  if (depth < MAX_DECODE_DEPTH) {
    for (const payload of decodePayloads(cased, encodedRuns)) {
      const inner = analyze(payload, { documents: false }, depth + 1);
      modelView += `\n${inner.modelView}`;
      if (inner.score < FLAG_THRESHOLD) continue;
      strongest(evidence, 'encoded', {
        label: 'encoded-payload',
        weight: Math.max(0.6, inner.score),
      });
      for (const [group, found] of inner.evidence) {
        strongest(evidence, `encoded:${group}`, { ...found, weight: 0 });
      }
    }
  }

  let keep = 1;
  for (const { weight } of evidence.values()) keep *= 1 - weight;
  return { score: 1 - keep, evidence, modelView };
}

function labelsOf(evidence: Map<string, Evidence>): string[] {
  const byLabel = new Map<string, number>();
  const encoded = evidence.has('encoded');
  for (const [group, { label, weight }] of evidence) {
    const named =
      weight >= NAMED_WEIGHT ||
      group === 'obfuscation' ||
      (encoded && group.startsWith('encoded:'));
    if (named) {
      byLabel.set(label, Math.max(byLabel.get(label) ?? 0, weight));
    }
  }
  return [...byLabel.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
}

/**
 * Checks the gate's promises on `text` (for tests): every match of every gated rule on the folded
 * text has each of its requirement groups present and, where the rule names its start anchors,
 * begins at one of them. Returns a description of each broken promise.
 */
export function gateViolations(text: string): string[] {
  const { folded, anchors: present } = normalizeText(text);
  const problems: string[] = [];
  for (let index = 0; index < GATED_RULES.length; index++) {
    const rule = GATED_RULES[index] as InjectionRule;
    if (rule.view === 'cased') continue;
    if (rule.alsoIn && !rule.alsoIn.some((word) => folded.includes(word))) continue; // never counts
    const gate = GATES[index] as Gate;
    const starts =
      gate.starts === null ? null : new Set(Array.from(positionsOf(present, gate.starts)));
    const missing = rule.requires.findIndex(
      (group) => !group.some((a) => hasAnchor(present, ANCHOR_INDEX.get(a) as number)),
    );
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(folded); m !== null; m = rule.pattern.exec(folded)) {
      if (missing !== -1)
        problems.push(`${rule.group}: "${m[0]}" matched without requirement ${missing}`);
      if (starts !== null && !starts.has(m.index))
        problems.push(`${rule.group}: "${m[0]}" matched away from its starts`);
      if (m[0].length === 0) rule.pattern.lastIndex++;
    }
    rule.pattern.lastIndex = 0;
  }
  return problems;
}

/** The rules' score and the text the model reads (training and evaluation start from these). */
export function ruleAnalysis(
  text: string,
  options: AnalyzeOptions,
): { score: number; modelView: string } {
  const { score, modelView } = analyze(text, options, 0);
  return { score, modelView };
}

/** The verdict's score from the rules' score and the model's probability (evaluation uses it too). */
export const combinedScore = (rules: number, probability: number): number =>
  Math.max(rules, modelScore(probability));

/**
 * The rules and the model, each able to flag alone: the score is the stronger of the two (the
 * model's probability on the rules' scale), and the model names `injection-intent` when it flags.
 */
export function analyzeInjection(text: string, options: AnalyzeOptions): InjectionResult {
  const { score: rules, evidence, modelView } = analyze(text, options, 0);
  const probability = modelProbability(modelView);
  const patterns = labelsOf(evidence);
  if (modelScore(probability) >= FLAG_THRESHOLD) patterns.push('injection-intent');
  const score = combinedScore(rules, probability);
  return {
    flagged: score >= FLAG_THRESHOLD,
    score: Math.round(score * 1000) / 1000,
    patterns,
  };
}

/**
 * Scores `text` for prompt injection: weighted rules and a learned model over a normalised copy
 * of the text (see the package README), with the rules for retrieved documents on when the text
 * looks like one.
 */
export function detectInjection(text: string): InjectionResult {
  return analyzeInjection(text, { documents: true });
}
