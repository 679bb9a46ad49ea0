import { MATCH_END, MATCH_START, stripMarkers } from '../sanitize.ts';
import { foldCase, stem, wordCharAt } from './terms.ts';

/** Words shown around the matches. */
export const SNIPPET_WORDS = 24;
const SPACE = /\s/;

/** The words of a text as parallel arrays (an object per word cost more than finding them). */
interface Words {
  start: number[];
  end: number[];
  /** Index of the query term the word matches, or -1. */
  term: number[];
}

/**
 * The window of `size` words holding the most distinct query terms (then the most matches),
 * centred on its matches. Returns [first, end) word indexes.
 */
function bestWindow(term: readonly number[], size: number): [number, number] {
  const counts = new Map<number, number>();
  let hits = 0;
  let best = { score: -1, start: 0 };
  for (let i = 0; i < term.length; i++) {
    const entering = term[i] ?? -1;
    if (entering >= 0) {
      counts.set(entering, (counts.get(entering) ?? 0) + 1);
      hits++;
    }
    const leaving = i >= size ? (term[i - size] ?? -1) : -1;
    if (leaving >= 0) {
      const left = (counts.get(leaving) ?? 1) - 1;
      if (left === 0) counts.delete(leaving);
      else counts.set(leaving, left);
      hits--;
    }
    const score = counts.size * 1_000 + hits;
    if (score > best.score) best = { score, start: Math.max(0, i - size + 1) };
  }
  const inWindow = term.slice(best.start, best.start + size);
  const first = best.start + inWindow.findIndex((t) => t >= 0);
  const last = best.start + inWindow.findLastIndex((t) => t >= 0);
  const start = Math.max(
    0,
    Math.min(first - Math.floor((size - (last - first + 1)) / 2), term.length - size),
  );
  return [start, Math.min(term.length, start + size)];
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
  const stems = new Map(terms.map((t, i) => [stem(foldCase(t)), i]));
  // A Porter stem is the word's start with at most its last letter changed, so only words
  // sharing a stem's start need stemming (stemming every word would cost more than the search).
  const starts = [...stems.keys()].map((s) => s.slice(0, Math.max(1, s.length - 1)));
  // Lower-casing the whole text at once keeps every offset unless some letter's lower case is
  // longer (a dotted capital I); then each word is lower-cased alone. Words are found by a scan of
  // character codes, and only a word that starts like a stem is sliced out and folded: a regular
  // expression match per word cost more than the rest of a search.
  const lower = text.toLowerCase();
  const aligned = lower.length === text.length;
  const scanned = aligned ? lower : text;
  const found: Words = { start: [], end: [], term: [] };
  let matched = false;
  for (let i = 0; i < scanned.length; ) {
    let length = wordCharAt(scanned, i);
    if (length === 0) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    while (length > 0) {
      if (scanned.charCodeAt(i) >= 0x80) ascii = false;
      i += length;
      length = wordCharAt(scanned, i);
    }
    let term = -1;
    const folded = ascii && aligned ? null : foldCase(scanned.slice(start, i));
    for (const s of starts) {
      if (
        folded === null
          ? start + s.length <= i && scanned.startsWith(s, start)
          : folded.startsWith(s)
      ) {
        term = stems.get(stem(folded ?? scanned.slice(start, i))) ?? -1;
        break;
      }
    }
    matched ||= term >= 0;
    found.start.push(start);
    found.end.push(i);
    found.term.push(term);
  }
  if (!matched) return null;
  const [first, end] = bestWindow(found.term, size);
  let from = found.start[first] ?? 0;
  let to = found.end[end - 1] ?? text.length;
  while (from > 0 && !SPACE.test(text.charAt(from - 1))) from--;
  while (to < text.length && !SPACE.test(text.charAt(to))) to++;

  let out = from > 0 ? '…' : '';
  let at = from;
  for (let i = first; i < end; i++) {
    if ((found.term[i] ?? -1) < 0) continue;
    const start = found.start[i] ?? at;
    const wordEnd = found.end[i] ?? at;
    out += `${text.slice(at, start)}${MATCH_START}${text.slice(start, wordEnd)}${MATCH_END}`;
    at = wordEnd;
  }
  return `${out}${text.slice(at, to)}${to < text.length ? '…' : ''}`;
}
