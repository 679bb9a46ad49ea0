import { type CharSet, charSet, inSet, runStart } from '../chars.ts';
import { re } from '../patterns.ts';
import { isFakeToken } from './placeholders.ts';
import { prefixAtEnd } from './prefix-at-end.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

/**
 * A credential without a literal prefix whose format still holds a literal (`anchor`): a
 * Telegram bot token's `:AA`, an Azure client secret's `Q~`. A text without the anchor costs one
 * `indexOf`; one with it is searched by the pattern (bounded quantifiers, so linear) from the
 * first place a match could start.
 */
interface PatternRule {
  type: string;
  anchor: string;
  /** The characters a match may hold before its anchor, at most `lead` of them. */
  leadChars: CharSet;
  lead: number;
  /** The most characters a match holds after its anchor, and one more for its right edge. */
  trail: number;
  /** Global; matches one credential with its edges checked by look-around. */
  pattern: RegExp;
}

const NONE = charSet('');

const RULES: readonly PatternRule[] = [
  {
    type: 'telegram-bot-token',
    anchor: ':AA',
    leadChars: charSet('0-9'),
    lead: 10,
    trail: 34,
    pattern: re(/(?<![A-Za-z0-9_:-])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g),
  },
  {
    type: 'azure-ad-client-secret',
    anchor: 'Q~',
    leadChars: charSet('A-Za-z0-9_~.'),
    lead: 4,
    trail: 35,
    pattern: re(
      /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    ),
  },
  {
    type: 'salesforce-access-token',
    anchor: '00D',
    leadChars: charSet('0'),
    lead: 0,
    trail: 140,
    pattern: re(/(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,120}(?![A-Za-z0-9._])/g),
  },
  {
    type: 'mailchimp-api-key',
    anchor: '-us',
    leadChars: charSet('0-9a-f'),
    lead: 32,
    trail: 3,
    pattern: re(/(?<![A-Za-z0-9])[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])/g),
  },
  {
    type: 'msteams-webhook-url',
    anchor: '.webhook.office.com/webhookb2/',
    leadChars: charSet('A-Za-z0-9:/.-'),
    lead: 72,
    trail: 200,
    pattern: re(
      /https:\/\/[a-z0-9-]{1,63}\.webhook\.office\.com\/webhookb2\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36}(?:\/[A-Za-z0-9_-]{10,80})?(?![A-Za-z0-9_-])/g,
    ),
  },
  {
    type: 'terraform-cloud-token',
    anchor: '.atlasv1.',
    leadChars: charSet('A-Za-z0-9'),
    lead: 14,
    trail: 71,
    pattern: re(
      /(?<![A-Za-z0-9_.-])[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])/g,
    ),
  },
  // Password hashes (`/etc/shadow`, `.htpasswd`, a users table): bcrypt and the crypt(3) family.
  {
    type: 'password-hash',
    anchor: '$2',
    leadChars: NONE,
    lead: 0,
    trail: 60,
    pattern: re(/(?<![A-Za-z0-9$])\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}(?![./A-Za-z0-9])/g),
  },
  ...(
    [
      ['$1$', 22],
      ['$apr1$', 22],
      ['$5$', 43],
      ['$6$', 86],
    ] as const
  ).map(
    ([anchor, length]): PatternRule => ({
      type: 'password-hash',
      anchor,
      leadChars: NONE,
      lead: 0,
      trail: 16 + 1 + 16 + 1 + length,
      pattern: re(
        new RegExp(
          `(?<![A-Za-z0-9$])${anchor.replaceAll('$', '\\$')}(?:rounds=[0-9]{1,9}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{${length}}(?![./A-Za-z0-9])`,
          'g',
        ),
      ),
    }),
  ),
];

/** The characters anchors begin with, and for each rule those a proper prefix of its anchor ends with. */
const ANCHOR_STARTS: CharSet = new Uint8Array(128);
const PREFIX_ENDS = new Map<PatternRule, CharSet>();
for (const rule of RULES) {
  ANCHOR_STARTS[rule.anchor.charCodeAt(0)] = 1;
  const ends: CharSet = new Uint8Array(128);
  for (let i = 0; i + 1 < rule.anchor.length; i++) ends[rule.anchor.charCodeAt(i)] = 1;
  PREFIX_ENDS.set(rule, ends);
}
/** Anchor starts present after `from`, for a short text (a stream chunk); reused. */
const PRESENT: CharSet = new Uint8Array(128);
/**
 * Up to this many characters are walked once for the anchors' first characters; a longer text is
 * searched by `indexOf` for each anchor, which costs more to start and less per character.
 */
const SHORT_TEXT = 512;

/**
 * Finds the credentials of the pattern rules. A text that may still grow holds back what could
 * still become one: an anchor too near the end to judge, and a trailing run of characters that
 * could lead one (with the start of an anchor, or none yet).
 */
export function scanPatternRules(ctx: ScanContext): void {
  const { text, final } = ctx;
  const short = text.length - ctx.from <= SHORT_TEXT;
  if (short) {
    PRESENT.fill(0);
    for (let i = ctx.from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inSet(ANCHOR_STARTS, c)) PRESENT[c] = 1;
    }
  }
  const last = text.charCodeAt(text.length - 1);
  for (const rule of RULES) {
    const first =
      short && PRESENT[rule.anchor.charCodeAt(0)] === 0 ? -1 : text.indexOf(rule.anchor, ctx.from);
    if (first !== -1) {
      const { pattern } = rule;
      pattern.lastIndex = runStart(text, first, rule.leadChars, rule.lead);
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        if (m.index >= ctx.from && !isFakeToken(m[0])) {
          ctx.findings.push({ start: m.index, end: m.index + m[0].length, type: rule.type });
        }
      }
      pattern.lastIndex = 0;
    }
    if (final) continue;
    // An anchor whose match could still grow past the end of the text (none without a first).
    if (first !== -1) {
      const lateFrom = Math.max(ctx.from, text.length - rule.anchor.length - rule.trail - 1);
      const late = first >= lateFrom ? first : text.indexOf(rule.anchor, lateFrom);
      if (late !== -1)
        holdFrom(ctx, Math.max(ctx.from, runStart(text, late, rule.leadChars, rule.lead)));
    }
    const partial = inSet(PREFIX_ENDS.get(rule) as CharSet, last)
      ? prefixAtEnd(text, 0, rule.anchor)
      : 0;
    const runFrom = runStart(text, text.length - partial, rule.leadChars, rule.lead);
    if (partial > 0 || runFrom < text.length) holdFrom(ctx, Math.max(ctx.from, runFrom));
  }
}
