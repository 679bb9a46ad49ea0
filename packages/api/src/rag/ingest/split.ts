export interface SplitOptions {
  maxChars: number;
  overlapChars: number;
}

interface Unit {
  text: string;
  /** What joins it to the next unit. */
  separator: string;
}

const PARAGRAPH_BREAK = /\n[ \t]*\n+/;
const SENTENCE_END = /(?<=[.!?。！？])\s+/u;

/** Cuts one overlong piece at whitespace near the limit (or at the limit when there is none). */
function hardSplit(text: string, maxChars: number): Unit[] {
  const units: Unit[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const space = rest.lastIndexOf(' ', maxChars);
    const cut = space > maxChars / 2 ? space : maxChars;
    units.push({ text: rest.slice(0, cut), separator: ' ' });
    rest = rest.slice(cut).trimStart();
  }
  if (rest) units.push({ text: rest, separator: ' ' });
  return units;
}

function units(text: string, maxChars: number): Unit[] {
  const out: Unit[] = [];
  for (const paragraph of text.split(PARAGRAPH_BREAK)) {
    const trimmed = paragraph.trim();
    if (!trimmed) continue;
    if (trimmed.length <= maxChars) {
      out.push({ text: trimmed, separator: '\n\n' });
      continue;
    }
    for (const sentence of trimmed.split(SENTENCE_END)) {
      if (sentence.length <= maxChars) out.push({ text: sentence, separator: ' ' });
      else for (const piece of hardSplit(sentence, maxChars)) out.push(piece);
    }
    const last = out.at(-1);
    if (last) last.separator = '\n\n';
  }
  return out;
}

function joinedLength(chunk: Unit[]): number {
  return chunk.reduce(
    (n, u, i) => n + u.text.length + (i < chunk.length - 1 ? u.separator.length : 0),
    0,
  );
}

function join(chunk: Unit[]): string {
  return chunk.map((u, i) => (i < chunk.length - 1 ? u.text + u.separator : u.text)).join('');
}

/**
 * The end of a piece that the next one repeats: whole trailing units, or the words at the end of
 * the last unit when not even it fits. Lengths are summed as units join, never recounted.
 */
function overlapOf(chunk: Unit[], overlapChars: number): Unit[] {
  let start = chunk.length;
  let length = 0;
  while (start > 0) {
    const unit = chunk[start - 1] as Unit;
    const grown = unit.text.length + (start < chunk.length ? unit.separator.length + length : 0);
    if (grown > overlapChars) break;
    length = grown;
    start--;
  }
  const last = chunk.at(-1);
  if (start < chunk.length || !last || overlapChars <= 0) return chunk.slice(start);
  const tail = last.text.slice(-overlapChars);
  const space = tail.indexOf(' ');
  const words = tail.slice(space + 1);
  return space >= 0 && words ? [{ text: words, separator: last.separator }] : [];
}

/**
 * Splits text into pieces of at most `maxChars`, breaking at paragraphs, then sentences, then
 * words; each piece after the first starts with up to `overlapChars` of the previous one.
 */
export function splitText(text: string, { maxChars, overlapChars }: SplitOptions): string[] {
  const pieces: string[] = [];
  let chunk: Unit[] = [];
  let length = 0; // joined length of `chunk`, kept as units join (linear in the text)
  let fresh = false; // whether `chunk` holds anything not already emitted
  for (const unit of units(text, maxChars)) {
    const last = chunk.at(-1);
    if (last && length + last.separator.length + unit.text.length > maxChars) {
      pieces.push(join(chunk));
      const room = maxChars - unit.text.length - unit.separator.length;
      chunk = overlapOf(chunk, Math.min(overlapChars, room));
      length = joinedLength(chunk);
    }
    const previous = chunk.at(-1);
    length += (previous ? previous.separator.length : 0) + unit.text.length;
    chunk.push(unit);
    fresh = true;
  }
  if (fresh) pieces.push(join(chunk));
  return pieces;
}
