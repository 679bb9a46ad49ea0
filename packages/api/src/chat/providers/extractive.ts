import { detectInjection } from '@bastion/guardrails';
import { PASSAGE_GAP, type Passage } from '../../rag/retriever.ts';
import { STOPWORDS } from '../../rag/search/stopwords.ts';
import { foldCase, stem, words } from '../../rag/search/terms.ts';
import { ProviderAborted } from './failure.ts';
import type { Provider, ProviderChunk, ProviderRequest } from './types.ts';

const MAX_PASSAGES = 4;
const MAX_SENTENCES = 3;
const MAX_ANSWER_CHARS = 900;
/**
 * The knowledge base has no answer when the passages lack more than MAX_MISSING of the question's
 * words (a question about something else shares a word or two with them at most), or when no
 * sentence holds MIN_COVERAGE of the question's weight (its words weighted as in `candidates`):
 * common words ("best", "way", "install") scattered over sentences about other things are not an
 * answer. eval/offline-answers.json (the tuning set): its answered questions reach 0.41 and more,
 * its unanswerable ones 0.24 at most. The answer keeps the sentences within RELATIVE of the best
 * one's coverage of the question.
 */
const MAX_MISSING = 0.5;
const RELATIVE = 0.6;
const MIN_COVERAGE = 0.3;
export const NO_ANSWER =
  "I couldn't find anything about that in the knowledge base, and no language model is available right now to answer from general knowledge.";

/** A table row as readable text: `| PORT | 8787 | listen port |` → `PORT — 8787 — listen port`. */
function tableRow(line: string): string | null {
  const cells = line
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);
  if (cells.length === 0 || cells.every((c) => /^:?-{3,}:?$/.test(c))) return null;
  return cells.join(' — ');
}

const LIST_ITEM = /^(?:[-*+]|\d+[.)])\s+/;

/** A block of text and the heading of the section it is in. */
type Block = { kind: 'text' | 'item' | 'row'; text: string; heading: string };

const HEADING = /^#{1,6}\s+/;

/** The section's own heading of a title path (`Bastion › Development › Configuration`). */
function ownHeading(title: string): string {
  return title.split('›').at(-1)?.trim() ?? '';
}

/**
 * Markdown blocks: paragraphs and list items with their wrapped lines joined, table rows, no code,
 * each with the heading above it ('' before the first).
 */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  let open: Block | null = null;
  let section = '';
  for (const raw of text.replace(/```[\s\S]*?(?:```|$)/g, '\n').split('\n')) {
    const line = raw.trim();
    if (HEADING.test(line)) {
      open = null;
      section = ownHeading(line.replace(HEADING, ''));
    } else if (!line) {
      open = null;
    } else if (line.startsWith('|')) {
      open = null;
      const row = tableRow(line);
      if (row) out.push({ kind: 'row', text: row, heading: section });
    } else if (LIST_ITEM.test(line) || open === null) {
      open = {
        kind: LIST_ITEM.test(line) ? 'item' : 'text',
        text: line.replace(LIST_ITEM, ''),
        heading: section,
      };
      out.push(open);
    } else {
      open.text += ` ${line}`;
    }
  }
  return out;
}

/** Cells of a table line, closing `|` optional (0 when the line does not start with `|`). */
function cellCount(line: string): number {
  return line.startsWith('|') ? line.replace(/\|\s*$/, '').split('|').length - 1 : 0;
}

/**
 * A chunk cut inside a table row (long sections are split with overlap) begins or ends with a
 * piece of the row: a line beside a table row that is not a row of as many cells. Quoted, it
 * would name a value without its variable (`| 4 | answers in progress …`), so it is dropped.
 */
function withoutCutRows(chunk: string): string {
  const lines = chunk.trim().split('\n');
  const cut = (line: string | undefined, neighbour: string | undefined) => {
    const cells = cellCount(neighbour?.trim() ?? '');
    return line !== undefined && cells > 0 && cellCount(line.trim()) < cells;
  };
  if (cut(lines[0], lines[1])) lines.shift();
  if (cut(lines.at(-1), lines.at(-2))) lines.pop();
  return lines.join('\n');
}

const SENTENCE_END = /[.!?:;)"'`*]$/;
/** Text that starts in the middle of a sentence (a chunk cut by the splitter's overlap). */
const MID_SENTENCE = /^[\p{Ll},;:)\]}]/u;

/** A sentence and the heading of its section. */
interface Sentence {
  text: string;
  heading: string;
}

/**
 * Whole sentences of a passage (a table row or a list item counts as one), markup removed. A
 * chunk may start or end inside a sentence (long sections are split with overlap): the pieces
 * before the first and after the last sentence boundary of each chunk are not sentences, so they
 * are dropped.
 */
export function sentencesOf(text: string): string[] {
  return sectionSentences(text).map((s) => s.text);
}

/**
 * Whole sentences of a passage with the heading above each: a further chunk opens with its title
 * path as a heading line (see `Passage.text`). The first chunk's sentences have none before a
 * heading of their own: the passage's title is what ranked it, and all of them share it, so it
 * cannot tell which of them answers (read with it, 26 of the 36 authored questions were answered
 * instead of 27).
 */
function sectionSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const chunk of text.split(PASSAGE_GAP)) {
    const all = blocks(withoutCutRows(chunk));
    all.forEach((block, b) => {
      if (block.kind === 'row') {
        out.push({ text: block.text, heading: block.heading });
        return;
      }
      const pieces = block.text.split(/(?<=[.!?])\s+(?=[A-Z0-9`*_"'([])/);
      if (b === 0 && MID_SENTENCE.test(block.text)) pieces.shift();
      if (b === all.length - 1 && block.kind === 'text' && !SENTENCE_END.test(block.text)) {
        pieces.pop();
      }
      for (const piece of pieces) out.push({ text: piece, heading: block.heading });
    });
  }
  return out
    .map((s) => ({ ...s, text: s.text.replace(/\*\*|__/g, '').trim() }))
    .filter((s) => s.text.length >= 12 && s.text.length <= 400);
}

interface Candidate {
  sentence: string;
  passage: number;
  index: number;
  /** How well the sentence itself answers the question (see `candidates`). */
  score: number;
}

/** The same sentence seen twice (overlapping chunks, repeated text) is quoted once. */
function sameText(sentence: string): string {
  return foldCase(sentence)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Content words, Porter-stemmed as the index stems them ("listens" meets "listen"). */
function stems(text: string): string[] {
  return words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);
}

/**
 * Sentences up to this many characters are not penalised; a longer one (a table row listing
 * several settings, a paragraph) loses weight in proportion, as it is mostly about other things.
 */
const CONCISE_CHARS = 240;

/**
 * Every sentence of the passages that holds a question word, scored by its own coverage of the
 * question (rarer question words weigh more) and its conciseness; empty when the passages miss
 * too much of the question to answer it. (A bonus for the question's phrases, neighbouring
 * content words found side by side, answered fewer questions of eval/offline-answers.json: 23 of
 * 36 instead of 25.)
 */
function candidates(question: string, passages: readonly Passage[]): Candidate[] {
  const wanted = new Set(stems(question));
  // A sentence is read in its section: a row of the "Configuration" table answers how to
  // configure the port, though the row itself says only `PORT` — `8787` — listen port.
  const all = passages.slice(0, MAX_PASSAGES).flatMap((passage, p) =>
    sectionSentences(passage.text).map(({ text, heading }, index) => {
      const held = [...new Set([...stems(text), ...stems(heading)])].filter((t) => wanted.has(t));
      return { sentence: text, passage: p, index, held };
    }),
  );
  const count = new Map<string, number>();
  for (const c of all) for (const t of c.held) count.set(t, (count.get(t) ?? 0) + 1);
  if (wanted.size === 0 || (wanted.size - count.size) / wanted.size > MAX_MISSING) return [];
  // A question word found in few sentences tells more than one found everywhere (and one found
  // nowhere most: the topic the passages miss).
  const weight = (t: string) => Math.log(1 + all.length / (1 + (count.get(t) ?? 0)));
  const total = [...wanted].reduce((sum, t) => sum + weight(t), 0);
  const scored = all
    .filter((c) => c.held.length > 0)
    .map(({ held, ...c }) => ({
      ...c,
      coverage: held.reduce((sum, t) => sum + weight(t), 0) / total,
    }));
  // No sentence speaks to the question as a whole: common words ("best", "way") are all the
  // passages share with it.
  if (!scored.some((c) => c.coverage >= MIN_COVERAGE)) return [];
  return scored.map(({ coverage, ...c }) => {
    const length = Math.max(1, c.sentence.length / CONCISE_CHARS);
    return { ...c, score: coverage / Math.sqrt(length) };
  });
}

/** Sentences quoted together from one source read as separate sentences (table rows end bare). */
function joined(sentences: readonly string[]): string {
  return sentences
    .map((s, i) => (i < sentences.length - 1 && !/[.!?]$/.test(s) ? `${s}.` : s))
    .join(' ');
}

/**
 * Builds the offline answer: the sentences that best answer the question, best first, whole and
 * each once, grouped by source so that each source is cited once, as [n] where n is its position
 * in `passages` (the order of the sources list). Sources listed but not quoted are named on a last
 * line, so every listed source is cited. No network.
 */
export function extractiveAnswer(question: string, passages: Passage[]): string {
  const ranked = candidates(question, passages).sort(
    (a, b) => b.score - a.score || a.passage - b.passage || a.index - b.index,
  );
  const best = ranked[0]?.score ?? 0;
  if (ranked.length === 0) return NO_ANSWER;

  const picked: Candidate[] = [];
  const seen = new Set<string>();
  let length = 0;
  for (const c of ranked) {
    if (picked.length === MAX_SENTENCES || c.score < best * RELATIVE) break;
    const key = sameText(c.sentence);
    if (seen.has(key) || length + c.sentence.length > MAX_ANSWER_CHARS) continue;
    // A passage is scanned whole, and an instruction planted in a long one can score under the
    // threshold there while it is flagged on its own: an answer quotes it word for word, so each
    // sentence quoted is scanned on its own too.
    if (detectInjection(c.sentence).flagged) continue;
    seen.add(key);
    picked.push(c);
    length += c.sentence.length;
  }
  if (picked.length === 0) return NO_ANSWER;
  // One line per source, in the order of each source's best sentence.
  const bySource = new Map<number, string[]>();
  for (const c of picked) bySource.set(c.passage, [...(bySource.get(c.passage) ?? []), c.sentence]);
  const lines = [...bySource].map(([p, sentences]) => `- ${joined(sentences)} [${p + 1}]`);
  const others = passages
    .map((passage, p) => ({ passage, p }))
    .filter(({ p }) => !bySource.has(p))
    .map(({ passage, p }) => `${passage.title} [${p + 1}]`);
  if (others.length > 0) lines.push(`\nAlso retrieved, not quoted: ${others.join('; ')}.`);
  return `From the knowledge base:\n\n${lines.join('\n')}`;
}

/** Answers from the retrieved passages alone; always available, the last resort of the chain. */
export class ExtractiveProvider implements Provider {
  readonly name = 'extractive' as const;
  readonly model = 'extractive';

  async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
    const answer = extractiveAnswer(request.question, request.passages);
    // Streamed word by word so clients render it exactly like a model's answer.
    for (const piece of answer.match(/\S+\s*|\s+/g) ?? []) {
      if (signal.aborted) throw new ProviderAborted();
      yield { type: 'delta', text: piece };
    }
    yield { type: 'finish', finishReason: 'stop' };
  }
}
