import { re } from '../patterns.ts';

// An attack phrase inside quotes, in a text that talks about it ("what does 'ignore previous
// instructions' mean?"), is a mention, not an instruction.

const MAX_QUOTE = 400;
/** Closing marks, at the index `openerKind` gives their opening marks (`"“«`'‘`). */
const CLOSERS = '"”»`\'’';

function openerKind(code: number): number {
  switch (code) {
    case 34:
      return 0;
    case 0x201c:
      return 1;
    case 0xab:
      return 2;
    case 96:
      return 3;
    case 39:
      return 4;
    case 0x2018:
      return 5;
    default:
      return -1;
  }
}
// Words of a text that talks about what it quotes.
const DISCUSSION_WORDS =
  "what does|what is|what's|why|how (?:do|does|would|should|can)|explain|meaning|means|refers? to|considered|example|attacks?|injection|jailbreaks?|spam|phishing|classif[a-z]*|detect|defend|blog|thesis|slide|paper|research|security|red[\\s-]?team|someone|people|saw|received|escalate";
/**
 * Words of discussion or documentation about what a text quotes. With a question mark, they are
 * enough to read a quoted rule match as a mention; alone (a question mark is not enough here),
 * they make the model read the text's own words.
 */
const DESCRIPTION = re(
  new RegExp(
    `\\b(?:${DISCUSSION_WORDS}|examples|e\\.g\\.|detect(?:s|ed|or|ion)|flag(?:s|ged)?|rules?|phrases?|patterns?|labels?|wording|reads?)\\b`,
  ),
);

/** A letter (of any script) or a digit. */
function isWordCode(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0x80) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  if (Number.isNaN(code)) return false;
  const ch = text[at] as string;
  return ch.toLowerCase() !== ch.toUpperCase();
}

/**
 * The quoted passages, as [start, end) pairs in one flat array, ascending and disjoint
 * (apostrophes inside words are not quotes). A quote closes on its line within MAX_QUOTE
 * characters. Linear: each kind of closing mark keeps the position of its next valid occurrence,
 * which only moves forward, and so does the next line break.
 */
export function quotedRanges(text: string): number[] {
  const ranges: number[] = [];
  const nextClose = [-1, -1, -1, -1, -1, -1];
  let nextLineBreak = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = openerKind(code);
    if (kind === -1) continue;
    if ((code === 39 || code === 0x2018) && i > 0 && isWordCode(text, i - 1)) continue;
    if (nextLineBreak < i + 2) {
      nextLineBreak = text.indexOf('\n', i + 2);
      if (nextLineBreak === -1) nextLineBreak = text.length;
    }
    let close = nextClose[kind] as number;
    if (close < i + 2) {
      close = text.indexOf(CLOSERS[kind] as string, i + 2);
      // A closing apostrophe is not followed by a letter (`don't`).
      while (close !== -1 && code === 39 && isWordCode(text, close + 1)) {
        close = text.indexOf("'", close + 1);
      }
      if (close === -1) close = text.length;
      nextClose[kind] = close;
    }
    if (close < text.length && close < nextLineBreak && close < i + MAX_QUOTE) {
      ranges.push(i, close + 1);
      i = close;
    }
  }
  return ranges;
}

/** Whether [start, end) lies inside one of `ranges` (flat pairs, ascending and disjoint). */
export function insideAny(ranges: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (start < (ranges[2 * middle] as number)) high = middle - 1;
    else if (start >= (ranges[2 * middle + 1] as number)) low = middle + 1;
    else return end <= (ranges[2 * middle + 1] as number);
  }
  return false;
}

/** The text outside its quotes, `ranges` (one blank for each). */
export function ownWords(text: string, ranges: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    parts.push(text.slice(at, ranges[k]));
    at = ranges[k + 1] as number;
  }
  parts.push(text.slice(at));
  return parts.join(' ');
}

/**
 * A text's quotes and what its own words do with them, each worked out when first asked: the
 * model asks every text (`modelText`), the rules only a text where one matched (`discussion`).
 */
export class QuoteReading {
  private readonly text: string;
  private found: { ranges: number[]; own: string } | undefined;
  private discussed: boolean | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** The quoted passages (flat [start, end) pairs) and the text outside them. */
  private quotes(): { ranges: number[]; own: string } {
    if (this.found === undefined) {
      const ranges = quotedRanges(this.text);
      this.found = { ranges, own: ranges.length > 0 ? ownWords(this.text, ranges) : this.text };
    }
    return this.found;
  }

  get ranges(): readonly number[] {
    return this.quotes().ranges;
  }

  /** The text outside its quotes asks about, discusses or describes something: a quoted rule
   * match is a mention. */
  get discussion(): boolean {
    if (this.discussed === undefined) {
      const { ranges, own } = this.quotes();
      this.discussed = ranges.length > 0 && (own.includes('?') || DESCRIPTION.test(own));
    }
    return this.discussed;
  }

  /** The text outside its quotes when it describes them (documentation quoting attacks), else
   * the text: what the model reads. A document that attacks addresses its reader in its own
   * words; a question mark alone does not make a quoted order a mention here. Without a word of
   * description anywhere, none is outside the quotes either. */
  get modelText(): string {
    if (!DESCRIPTION.test(this.text)) return this.text;
    const { ranges, own } = this.quotes();
    return ranges.length > 0 && DESCRIPTION.test(own) ? own : this.text;
  }
}
