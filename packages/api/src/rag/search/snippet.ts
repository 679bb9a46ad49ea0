import { stemmer } from 'stemmer';
import { MATCH_END, MATCH_START, stripMarkers } from '../sanitize.ts';
import { foldCase } from './terms.ts';

/** Words shown around the matches. */
export const SNIPPET_WORDS = 24;
const WORD = /[\p{L}\p{N}]+/gu;
const SPACE = /\s/;
const NON_ASCII = /\P{ASCII}/u;

interface Word {
  start: number;
  end: number;
  /** Index of the query term the word matches, or -1. */
  term: number;
}

/**
 * The window of `size` words holding the most distinct query terms (then the most matches),
 * centred on its matches. Returns [first, end) word indexes.
 */
function bestWindow(found: readonly Word[], size: number): [number, number] {
  const counts = new Map<number, number>();
  let hits = 0;
  let best = { score: -1, start: 0 };
  for (let i = 0; i < found.length; i++) {
    const entering = found[i]?.term ?? -1;
    if (entering >= 0) {
      counts.set(entering, (counts.get(entering) ?? 0) + 1);
      hits++;
    }
    const leaving = i >= size ? (found[i - size]?.term ?? -1) : -1;
    if (leaving >= 0) {
      const left = (counts.get(leaving) ?? 1) - 1;
      if (left === 0) counts.delete(leaving);
      else counts.set(leaving, left);
      hits--;
    }
    const score = counts.size * 1_000 + hits;
    if (score > best.score) best = { score, start: Math.max(0, i - size + 1) };
  }
  const inWindow = found.slice(best.start, best.start + size);
  const first = best.start + inWindow.findIndex((w) => w.term >= 0);
  const last = best.start + inWindow.findLastIndex((w) => w.term >= 0);
  const start = Math.max(
    0,
    Math.min(first - Math.floor((size - (last - first + 1)) / 2), found.length - size),
  );
  return [start, Math.min(found.length, start + size)];
}

/**
 * A search hit's excerpt of a chunk body: around the words that match `terms` (see `snippet`), or
 * else the body's opening (a hit that matched only in its title). Marker characters already in the
 * body are removed first, so that only the matched words become highlights.
 */
export function hitExcerpt(body: string, terms: readonly string[]): string {
  const text = stripMarkers(body);
  return snippet(text, terms) ?? openingOf(text);
}

function openingOf(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200).replace(/\s\S*$/, '')} …` : text;
}

/**
 * An excerpt of `text` (which holds no marker characters) around the words that match `terms` the
 * way the index does (case and diacritics folded, Porter-stemmed), with each match between
 * MATCH_START and MATCH_END; null when nothing matches. The excerpt is widened to whitespace so that no token (a key, a URL) is
 * cut in half, which would hide it from the secret redactor.
 */
export function snippet(
  text: string,
  terms: readonly string[],
  size = SNIPPET_WORDS,
): string | null {
  const stems = new Map(terms.map((t, i) => [stemmer(foldCase(t)), i]));
  // A Porter stem is the word's start with at most its last letter changed, so only words
  // sharing a stem's start need stemming (stemming every word would cost more than the search).
  const starts = [...stems.keys()].map((s) => s.slice(0, Math.max(1, s.length - 1)));
  const found: Word[] = [];
  let matched = false;
  for (const m of text.matchAll(WORD)) {
    const lower = m[0].toLowerCase();
    const folded = NON_ASCII.test(lower) ? foldCase(lower) : lower;
    const term = starts.some((s) => folded.startsWith(s)) ? (stems.get(stemmer(folded)) ?? -1) : -1;
    matched ||= term >= 0;
    found.push({ start: m.index, end: m.index + m[0].length, term });
  }
  if (!matched) return null;
  const [first, end] = bestWindow(found, size);
  let from = found[first]?.start ?? 0;
  let to = found[end - 1]?.end ?? text.length;
  while (from > 0 && !SPACE.test(text.charAt(from - 1))) from--;
  while (to < text.length && !SPACE.test(text.charAt(to))) to++;

  let out = from > 0 ? '…' : '';
  let at = from;
  for (let i = first; i < end; i++) {
    const word = found[i] as Word;
    if (word.term < 0) continue;
    out += `${text.slice(at, word.start)}${MATCH_START}${text.slice(word.start, word.end)}${MATCH_END}`;
    at = word.end;
  }
  return `${out}${text.slice(at, to)}${to < text.length ? '…' : ''}`;
}
