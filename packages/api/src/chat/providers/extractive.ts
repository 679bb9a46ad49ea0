import { stemmer } from 'stemmer';
import type { Passage } from '../../rag/retriever.ts';
import { STOPWORDS } from '../../rag/search/stopwords.ts';
import { words } from '../../rag/search/terms.ts';
import { ProviderAborted } from './failure.ts';
import type { Provider, ProviderChunk, ProviderRequest } from './types.ts';

const MAX_PASSAGES = 4;
const MAX_SENTENCES = 3;
const MAX_ANSWER_CHARS = 900;
/** The retriever's content words, Porter-stemmed as the index stems them ("listens" meets "listen"). */
function terms(text: string): Set<string> {
  return new Set(
    words(text)
      .filter((w) => !STOPWORDS.has(w))
      .map((w) => stemmer(w)),
  );
}

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

/** Markdown blocks: paragraphs and list items with their wrapped lines joined, table rows, no code. */
function blocks(text: string): { kind: 'text' | 'row'; text: string }[] {
  const out: { kind: 'text' | 'row'; text: string }[] = [];
  let open: { kind: 'text'; text: string } | null = null;
  for (const raw of text.replace(/```[\s\S]*?```/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line || /^#{1,6}\s/.test(line)) {
      open = null;
    } else if (line.startsWith('|')) {
      open = null;
      const row = tableRow(line);
      if (row) out.push({ kind: 'row', text: row });
    } else if (LIST_ITEM.test(line) || open === null) {
      open = { kind: 'text', text: line.replace(LIST_ITEM, '') };
      out.push(open);
    } else {
      open.text += ` ${line}`;
    }
  }
  return out;
}

/** Sentences of a passage (a table row or a list item counts as one), markup removed. */
export function sentencesOf(text: string): string[] {
  return blocks(text)
    .flatMap((b) =>
      b.kind === 'row' ? [b.text] : b.text.split(/(?<=[.!?])\s+(?=[A-Z0-9`*_"'([])/),
    )
    .map((s) => s.replace(/\*\*|__/g, '').trim())
    .filter((s) => s.length >= 12 && s.length <= 400);
}

interface Candidate {
  sentence: string;
  passage: number;
  index: number;
  matched: number;
}

/** Builds the offline answer: the sentences that best match the question, each cited; no network. */
export function extractiveAnswer(question: string, passages: Passage[]): string {
  const wanted = terms(question);
  const candidates: Candidate[] = [];
  passages.slice(0, MAX_PASSAGES).forEach((passage, p) => {
    sentencesOf(passage.text).forEach((sentence, index) => {
      let matched = 0;
      for (const term of terms(sentence)) if (wanted.has(term)) matched += 1;
      if (matched > 0) candidates.push({ sentence, passage: p, index, matched });
    });
  });
  candidates.sort((a, b) => b.matched - a.matched || a.passage - b.passage || a.index - b.index);

  const picked: Candidate[] = [];
  let length = 0;
  for (const c of candidates) {
    if (picked.length === MAX_SENTENCES) break;
    if (length + c.sentence.length > MAX_ANSWER_CHARS) continue;
    picked.push(c);
    length += c.sentence.length;
  }
  if (picked.length === 0) {
    return "I couldn't find anything about that in the knowledge base, and no language model is available right now to answer from general knowledge.";
  }
  picked.sort((a, b) => a.passage - b.passage || a.index - b.index);
  const lines = picked.map((c) => `- ${c.sentence} [${c.passage + 1}]`);
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
