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
      else out.push(...hardSplit(sentence, maxChars));
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

/** The end of a piece that the next one repeats: whole trailing units, or the tail of the last. */
function overlapOf(chunk: Unit[], overlapChars: number): Unit[] {
  const kept: Unit[] = [];
  for (let i = chunk.length - 1; i >= 0; i--) {
    const unit = chunk[i] as Unit;
    if (joinedLength([unit, ...kept]) <= overlapChars) {
      kept.unshift(unit);
      continue;
    }
    if (kept.length === 0 && overlapChars > 0) {
      const tail = unit.text.slice(-overlapChars);
      const words = tail.slice(tail.indexOf(' ') + 1);
      if (words && tail.includes(' ')) kept.unshift({ text: words, separator: unit.separator });
    }
    break;
  }
  return kept;
}

/**
 * Splits text into pieces of at most `maxChars`, breaking at paragraphs, then sentences, then
 * words; each piece after the first starts with up to `overlapChars` of the previous one.
 */
export function splitText(text: string, { maxChars, overlapChars }: SplitOptions): string[] {
  const pieces: string[] = [];
  let chunk: Unit[] = [];
  let fresh = false; // whether `chunk` holds anything not already emitted
  for (const unit of units(text, maxChars)) {
    if (chunk.length > 0 && joinedLength([...chunk, unit]) > maxChars) {
      pieces.push(join(chunk));
      const room = maxChars - unit.text.length - unit.separator.length;
      chunk = overlapOf(chunk, Math.min(overlapChars, room));
    }
    chunk.push(unit);
    fresh = true;
  }
  if (fresh) pieces.push(join(chunk));
  return pieces;
}
