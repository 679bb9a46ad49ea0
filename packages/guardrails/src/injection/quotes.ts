import { re } from '../patterns.ts';

// An attack phrase inside quotes, in a text that talks about it ("what does 'ignore previous
// instructions' mean?"), is a mention, not an instruction.

const MAX_QUOTE = 400;
/** Opening marks, and at the same index the closing mark of each. */
const OPENERS = '"\u201c\u00ab`\'\u2018';
const CLOSERS = '"\u201d\u00bb`\'\u2019';
/** The opening marks, found by a search rather than a visit to each character. */
const OPENER = re(new RegExp(`[${OPENERS}]`, 'g'));

/**
 * Words of discussion or documentation about what a text quotes (each an alternative of a regular
 * expression that begins with a letter). With a question mark, they are enough to read a quoted
 * rule match as a mention; alone (a question mark is not enough here), they make the model read
 * the text's own words.
 */
const DESCRIPTION_WORDS = [
  'what does',
  'what is',
  "what's",
  'why',
  'how (?:do|does|would|should|can)',
  'explain',
  'meaning',
  'means',
  'refers? to',
  'considered',
  'example',
  'attacks?',
  'injection',
  'jailbreaks?',
  'spam',
  'phishing',
  'classif[a-z]*',
  'detect',
  'defend',
  'blog',
  'thesis',
  'slide',
  'paper',
  'research',
  'security',
  'red[\\s-]?team',
  'someone',
  'people',
  'saw',
  'received',
  'escalate',
  'examples',
  'e\\.g\\.',
  'detect(?:s|ed|or|ion)',
  'flag(?:s|ged)?',
  'rules?',
  'phrases?',
  'patterns?',
  'labels?',
  'wording',
  'reads?',
];
const DESCRIPTION_SOURCE = `\\b(?:${DESCRIPTION_WORDS.join('|')})\\b`;
const DESCRIPTION = re(new RegExp(DESCRIPTION_SOURCE));
/** The same, matching only where it is tried. */
const DESCRIPTION_AT = re(new RegExp(DESCRIPTION_SOURCE, 'y'));

/** The letters an alternative begins with, up to its first space, group, class or quantifier. */
function literalStart(alternative: string): string {
  let literal = '';
  for (let i = 0; i < alternative.length; i++) {
    const ch = alternative[i] as string;
    if (ch === '\\' && !isWordCode(alternative, i + 1)) {
      literal += alternative[++i];
    } else if ('?*{'.includes(ch)) {
      return literal.slice(0, -1); // the character before is optional
    } else if (' \\([|+'.includes(ch)) {
      return literal;
    } else {
      literal += ch;
    }
  }
  return literal;
}

/**
 * Word starts of which every description word begins with one, with no blank in them (the anchor
 * gate finds them, so a text is searched only where one occurs).
 */
export const DESCRIPTION_ANCHORS: readonly string[] = (() => {
  const starts = [...new Set(DESCRIPTION_WORDS.map(literalStart))];
  if (starts.some((start) => start.length < 2)) throw new Error('a description word has no start');
  // A start that begins with another is found where the other is.
  return starts.filter(
    (start) => !starts.some((other) => other !== start && start.startsWith(other)),
  );
})();

/** Whether a description word begins at one of `positions` of `text`. */
function describedAt(text: string, positions: readonly number[]): boolean {
  for (const at of positions) {
    DESCRIPTION_AT.lastIndex = at;
    if (DESCRIPTION_AT.test(text)) return true;
  }
  return false;
}

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
  OPENER.lastIndex = 0;
  for (let m = OPENER.exec(text); m !== null; m = OPENER.exec(text)) {
    const i = m.index;
    const code = text.charCodeAt(i);
    const kind = OPENERS.indexOf(m[0]);
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
      OPENER.lastIndex = close + 1;
    }
  }
  OPENER.lastIndex = 0;
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
  /** Where description words may begin, if known: the ascending positions of each of the
   * DESCRIPTION_ANCHORS that occurs. */
  private readonly descriptionStarts: ReadonlyArray<readonly number[]> | null;
  private found: { ranges: number[]; own: string } | undefined;
  private discussed: boolean | undefined;
  private ownDescribes: boolean | undefined;

  constructor(text: string, descriptionStarts: ReadonlyArray<readonly number[]> | null = null) {
    this.text = text;
    this.descriptionStarts = descriptionStarts;
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

  /** The text has a description word. */
  private describes(): boolean {
    const starts = this.descriptionStarts;
    return starts === null
      ? DESCRIPTION.test(this.text)
      : starts.some((positions) => describedAt(this.text, positions));
  }

  /**
   * The text outside its quotes has a description word. With the word starts known: a word of
   * the text outside its quotes starts outside them too, at the same place less what the quotes
   * before it took (each is one blank there).
   */
  private ownDescribed(): boolean {
    if (this.ownDescribes === undefined) {
      const { ranges, own } = this.quotes();
      const starts = this.descriptionStarts;
      if (starts === null) {
        this.ownDescribes = DESCRIPTION.test(own);
      } else {
        const outside: number[] = [];
        for (const positions of starts) {
          let range = 0;
          let removed = 0;
          for (const at of positions) {
            while (range < ranges.length && (ranges[range + 1] as number) <= at) {
              removed += (ranges[range + 1] as number) - (ranges[range] as number) - 1;
              range += 2;
            }
            if (range < ranges.length && (ranges[range] as number) <= at) continue; // quoted
            outside.push(at - removed);
          }
        }
        this.ownDescribes = describedAt(own, outside);
      }
    }
    return this.ownDescribes;
  }

  /** The text outside its quotes asks about, discusses or describes something: a quoted rule
   * match is a mention. */
  get discussion(): boolean {
    if (this.discussed === undefined) {
      const { ranges, own } = this.quotes();
      this.discussed = ranges.length > 0 && (own.includes('?') || this.ownDescribed());
    }
    return this.discussed;
  }

  /** The text outside its quotes when it describes them (documentation quoting attacks), else
   * the text: what the model reads. A document that attacks addresses its reader in its own
   * words; a question mark alone does not make a quoted order a mention here. Without a word of
   * description anywhere, none is outside the quotes either. */
  get modelText(): string {
    if (!this.describes()) return this.text;
    const { ranges, own } = this.quotes();
    return ranges.length > 0 && this.ownDescribed() ? own : this.text;
  }
}
