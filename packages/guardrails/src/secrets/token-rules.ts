import { type CharSet, charSet, inSet, runEnd } from '../chars.ts';
import { re } from '../patterns.ts';
import { isFakeToken } from './placeholders.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

/**
 * A credential recognisable by its own shape: a fixed prefix, a character set and a length. The
 * token is the maximal run of `body` characters from the prefix; it must not touch an `edge`
 * character on either side (so a key glued inside a longer identifier is not one).
 */
interface TokenRule {
  prefixes: readonly string[];
  body: CharSet;
  edge: CharSet;
  maxLength: number;
  /** Anchored; checks the exact format once the token is cut out. */
  shape: RegExp;
  type: (token: string) => string;
  /** Random letter-only tokens mix cases; a single-case run of letters is a word or a name. */
  mixedCase?: boolean;
}

const ALNUM = charSet('A-Za-z0-9');
const WORD = charSet('A-Za-z0-9_');
const DASHED = charSet('A-Za-z0-9_-');

const fixed = (type: string) => (): string => type;

const GITHUB_TYPES: Record<string, string> = {
  p: 'github-pat',
  o: 'github-oauth-token',
  u: 'github-app-token',
  s: 'github-app-token',
  r: 'github-refresh-token',
};

function slackType(token: string): string {
  if (token.startsWith('xoxb-')) return 'slack-bot-token';
  if (token.startsWith('xoxp-') || token.startsWith('xoxe-')) return 'slack-user-token';
  if (token.startsWith('xoxe.')) return 'slack-config-token';
  if (token.startsWith('xapp-')) return 'slack-app-token';
  return 'slack-token';
}

const RULES: readonly TokenRule[] = [
  {
    prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    body: charSet('A-Z0-9'),
    edge: ALNUM,
    maxLength: 20,
    shape: re(/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/),
    type: fixed('aws-access-key'),
  },
  {
    prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^gh[pousr]_[A-Za-z0-9]{36,251}$/),
    type: (token) => GITHUB_TYPES[token[2] ?? 'p'] ?? 'github-pat',
  },
  {
    prefixes: ['github_pat_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^github_pat_[A-Za-z0-9]{20,40}_[A-Za-z0-9]{50,90}$/),
    type: fixed('github-fine-grained-pat'),
  },
  {
    prefixes: ['xoxb-', 'xoxp-', 'xoxe-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe.', 'xapp-'],
    body: charSet('A-Za-z0-9.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 300,
    shape: re(
      /^(?:xox[abeoprs]-(?:[0-9]{8,14}-){1,3}[A-Za-z0-9]{18,64}|xoxe\.xox[bp]-1-[A-Za-z0-9]{100,250}|xapp-1-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-f0-9]{40,80})$/,
    ),
    type: slackType,
  },
  {
    prefixes: ['https://hooks.slack.com/', 'http://hooks.slack.com/'],
    body: charSet('A-Za-z0-9:/._-'),
    edge: WORD,
    maxLength: 300,
    shape: re(
      /^https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_]{6,20}\/[A-Za-z0-9_]{6,20}\/(?:[0-9]{6,24}\/)?[A-Za-z0-9_]{16,64}$/,
    ),
    type: fixed('slack-webhook-url'),
  },
  {
    prefixes: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_', 'whsec_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^(?:[rs]k_(?:live|test|prod)_[A-Za-z0-9]{20,247}|whsec_[A-Za-z0-9]{32,100})$/),
    type: (token) => (token.startsWith('whsec_') ? 'stripe-webhook-secret' : 'stripe-secret-key'),
  },
  {
    prefixes: ['sk-ant-'],
    body: DASHED,
    edge: DASHED,
    maxLength: 160,
    shape: re(/^sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{80,120}$/),
    type: fixed('anthropic-api-key'),
  },
  {
    prefixes: ['sk-'],
    body: DASHED,
    edge: DASHED,
    maxLength: 300,
    shape: re(
      /^sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,64})$/,
    ),
    type: fixed('openai-api-key'),
  },
  {
    prefixes: ['AIzaSy'],
    body: DASHED,
    edge: DASHED,
    maxLength: 39,
    shape: re(/^AIzaSy[A-Za-z0-9_-]{33}$/),
    type: fixed('gcp-api-key'),
  },
  {
    prefixes: ['hf_', 'api_org_'],
    body: WORD,
    edge: WORD,
    maxLength: 42,
    shape: re(/^(?:hf_|api_org_)[A-Za-z]{34}$/),
    type: fixed('huggingface-token'),
    mixedCase: true,
  },
  {
    prefixes: ['npm_'],
    body: WORD,
    edge: WORD,
    maxLength: 40,
    shape: re(/^npm_[A-Za-z0-9]{36}$/),
    type: fixed('npm-token'),
  },
  {
    prefixes: ['glpat-', 'gldt-', 'glptt-', 'glrt-'],
    body: charSet('A-Za-z0-9_.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 90,
    shape: re(/^gl(?:pat|dt|ptt|rt)-[A-Za-z0-9_-]{20,64}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?$/),
    type: fixed('gitlab-pat'),
  },
  {
    prefixes: ['SG.'],
    body: charSet('A-Za-z0-9_.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 70,
    shape: re(/^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
    type: fixed('sendgrid-api-key'),
  },
  {
    prefixes: ['eyJ'],
    body: charSet('A-Za-z0-9_.=-'),
    // `=` may precede a token (`assertion=eyJ…`), so it is body but not edge.
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 8192,
    shape: re(/^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,3}={0,2}$/),
    type: fixed('jwt'),
  },
];

interface PrefixEntry {
  prefix: string;
  rule: TokenRule;
}

// Longest first, so that the prefilter's alternation picks `sk-ant-` over `sk-` at one position.
const PREFIXES: readonly PrefixEntry[] = RULES.flatMap((rule) =>
  rule.prefixes.map((prefix) => ({ prefix, rule })),
).sort((a, b) => b.prefix.length - a.prefix.length);

/** Every literal that can start a token; the scanner holds back a text that ends in a part of one. */
export const TOKEN_PREFIXES: readonly string[] = PREFIXES.map((entry) => entry.prefix);

const REGEX_SPECIAL = re(/[.*+?^${}()|[\]\\/]/g);
const escapeLiteral = (literal: string): string => literal.replace(REGEX_SPECIAL, '\\$&');

const PREFILTER = re(new RegExp(TOKEN_PREFIXES.map(escapeLiteral).join('|'), 'g'));

/** The rule of each prefix the prefilter matches. */
const RULE_BY_PREFIX = new Map(PREFIXES.map(({ prefix, rule }) => [prefix, rule]));
if (RULE_BY_PREFIX.size !== PREFIXES.length) throw new Error('two token rules share a prefix');

function hasBothCases(token: string): boolean {
  return token !== token.toLowerCase() && token !== token.toUpperCase();
}

/** Finds credentials by their own format. Linear: a token is only examined from its first character. */
export function scanTokens(ctx: ScanContext): void {
  const { text, final } = ctx;
  PREFILTER.lastIndex = ctx.from;
  for (let hit = PREFILTER.exec(text); hit !== null; hit = PREFILTER.exec(text)) {
    const start = hit.index;
    if (!final && start >= ctx.frontier) break;
    PREFILTER.lastIndex = start + 1;
    // Every prefix starts with a letter and no token may follow a letter or digit: a hit inside a
    // run of them, and every later hit in the same run, cannot start a token.
    if (start > 0 && inSet(ALNUM, text.charCodeAt(start - 1))) {
      PREFILTER.lastIndex = runEnd(text, start, ALNUM, Number.POSITIVE_INFINITY);
      continue;
    }
    const rule = RULE_BY_PREFIX.get(hit[0]) as TokenRule;
    if (start > 0 && inSet(rule.edge, text.charCodeAt(start - 1))) continue;
    const end = runEnd(text, start, rule.body, rule.maxLength + 1);
    if (end === text.length && !final) {
      holdFrom(ctx, start);
      continue;
    }
    if (end - start > rule.maxLength) continue;
    if (end < text.length && inSet(rule.edge, text.charCodeAt(end))) continue;
    const token = text.slice(start, end);
    if (!rule.shape.test(token) || isFakeToken(token)) continue;
    if (rule.mixedCase && !hasBothCases(token)) continue;
    ctx.findings.push({ start, end, type: rule.type(token) });
    PREFILTER.lastIndex = end;
  }
}
