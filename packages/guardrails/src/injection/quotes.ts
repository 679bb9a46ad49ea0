import { re } from '../patterns.ts';

// An attack phrase inside quotes, in a text that talks about it ("what does 'ignore previous
// instructions' mean?"), is a mention, not an instruction.

const MAX_QUOTE = 400;
const CLOSING: Record<string, string> = {
  '"': '"',
  '“': '”',
  '«': '»',
  '`': '`',
  "'": "'",
  '‘': '’',
};
// Words of a text that talks about what it quotes.
const DISCUSSION_WORDS =
  "what does|what is|what's|why|how (?:do|does|would|should|can)|explain|meaning|means|refers? to|considered|example|attacks?|injection|jailbreaks?|spam|phishing|classif[a-z]*|detect|defend|blog|thesis|slide|paper|research|security|red[\\s-]?team|someone|people|saw|received|escalate";
/** A question or a discussion word: enough to read a quoted rule match as a mention. */
const DISCUSSION = re(new RegExp(`\\?|\\b(?:${DISCUSSION_WORDS})\\b`));
/** Words of documentation about what it quotes (a question mark alone is not enough here). */
const DESCRIPTION = re(
  new RegExp(
    `\\b(?:${DISCUSSION_WORDS}|examples|e\\.g\\.|detect(?:s|ed|or|ion)|flag(?:s|ged)?|rules?|phrases?|patterns?|labels?|wording|reads?)\\b`,
  ),
);

const OPENING = re(/["“«`'‘]/g);

/** A letter (of any script) or a digit. */
function isWordCode(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0x80) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  if (Number.isNaN(code)) return false;
  const ch = text[at] as string;
  return ch.toLowerCase() !== ch.toUpperCase();
}

/**
 * [start, end) ranges of quoted passages, ascending and disjoint (apostrophes inside words are
 * not quotes). A quote closes on its line within MAX_QUOTE characters. Linear: the openers are
 * found by one regex pass, and each kind of closing mark keeps the position of its next valid
 * occurrence, which only moves forward.
 */
export function quotedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const nextClose = new Map<string, number>();
  let nextLineBreak = -1;
  const closeAt = (close: string, from: number): number => {
    let at = nextClose.get(close) ?? -1;
    if (at >= from) return at;
    at = text.indexOf(close, from);
    // A closing apostrophe is not followed by a letter (`don't`).
    while (at !== -1 && close === "'" && isWordCode(text, at + 1)) at = text.indexOf(close, at + 1);
    at = at === -1 ? text.length : at;
    nextClose.set(close, at);
    return at;
  };
  OPENING.lastIndex = 0;
  for (let m = OPENING.exec(text); m !== null; m = OPENING.exec(text)) {
    const i = m.index;
    const open = m[0];
    if ((open === "'" || open === '‘') && i > 0 && isWordCode(text, i - 1)) continue;
    if (nextLineBreak < i + 2) {
      nextLineBreak = text.indexOf('\n', i + 2);
      if (nextLineBreak === -1) nextLineBreak = text.length;
    }
    const j = closeAt(CLOSING[open] as string, i + 2);
    if (j < text.length && j < nextLineBreak && j < i + MAX_QUOTE) {
      ranges.push([i, j + 1]);
      OPENING.lastIndex = j + 1;
    }
  }
  OPENING.lastIndex = 0;
  return ranges;
}

/** Whether [start, end) lies inside one of `ranges` (ascending and disjoint). */
export function insideAny(
  ranges: ReadonlyArray<[number, number]>,
  start: number,
  end: number,
): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [from, to] = ranges[middle] as [number, number];
    if (start < from) high = middle - 1;
    else if (start >= to) low = middle + 1;
    else return end <= to;
  }
  return false;
}

/** The text outside its quotes, `ranges` (one blank for each). */
export function ownWords(text: string, ranges: ReadonlyArray<[number, number]>): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    out += `${text.slice(at, from)} `;
    at = to;
  }
  return out + text.slice(at);
}

/** The text outside its quotes asks about or discusses something. */
export function isDiscussion(text: string, ranges: ReadonlyArray<[number, number]>): boolean {
  const own = ownWords(text, ranges);
  return DISCUSSION.test(own) || DESCRIPTION.test(own);
}

/**
 * The text outside its quotes describes them (documentation quoting attacks): what the model
 * reads of such a text is its own words. A document that attacks addresses its reader in its
 * own words; a question mark alone does not make a quoted order a mention.
 */
export function describesQuotes(own: string): boolean {
  return DESCRIPTION.test(own);
}
