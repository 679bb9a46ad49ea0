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
const DISCUSSION = re(
  /\?|\b(?:what does|what is|what's|why|how (?:do|does|would|should|can)|explain|meaning|means|refers? to|considered|example|attacks?|injection|jailbreaks?|spam|phishing|classif[a-z]*|detect|defend|blog|thesis|slide|paper|research|security|red[\s-]?team|someone|people|saw|received|escalate)\b/,
);

function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  return (code >= 48 && code <= 57) || ch.toLowerCase() !== ch.toUpperCase();
}

/** [start, end) ranges of quoted passages (apostrophes inside words are not quotes). */
export function quotedRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const open = text[i] as string;
    const close = CLOSING[open];
    if (close === undefined) continue;
    if ((open === "'" || open === '‘') && isWordChar(text[i - 1])) continue;
    const limit = Math.min(text.length, i + MAX_QUOTE);
    for (let j = i + 2; j < limit; j++) {
      const ch = text[j];
      if (ch === '\n') break;
      if (ch === close && !(close === "'" && isWordChar(text[j + 1]))) {
        ranges.push([i, j + 1]);
        i = j;
        break;
      }
    }
  }
  return ranges;
}

export function insideAny(
  ranges: ReadonlyArray<[number, number]>,
  start: number,
  end: number,
): boolean {
  return ranges.some(([from, to]) => start >= from && end <= to);
}

/** The text outside its quotes asks about or discusses something. */
export function isDiscussion(text: string, ranges: ReadonlyArray<[number, number]>): boolean {
  let outside = '';
  let at = 0;
  for (const [from, to] of ranges) {
    outside += `${text.slice(at, from)} `;
    at = to;
  }
  return DISCUSSION.test(outside + text.slice(at));
}
