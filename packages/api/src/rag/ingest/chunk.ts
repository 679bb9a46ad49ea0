import { splitText } from './split.ts';
import type { ChunkDraft, ExtractedDocument, Section } from './types.ts';

export interface ChunkOptions {
  maxChars: number;
  overlapChars: number;
  /** Hard cap per document; text past it is not indexed. */
  maxChunks: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = {
  maxChars: 1800,
  overlapChars: 200,
  maxChunks: 5000,
};

const SEPARATOR = ' › ';

function commonPrefix(paths: string[][]): string[] {
  const [first = [], ...rest] = paths;
  let n = first.length;
  for (const p of rest) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * Chunks a document: small neighbouring sections share a chunk (prose repeats the sub-headings
 * inline), long ones are split with overlap; each chunk's title is the document title plus the
 * heading path it sits under.
 */
export function chunkDocument(
  doc: ExtractedDocument,
  { maxChars, overlapChars, maxChunks }: ChunkOptions = DEFAULT_CHUNKING,
): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  const titleOf = (headings: string[]) => {
    const path = headings[0] === doc.title ? headings.slice(1) : headings;
    return [doc.title, ...path].join(SEPARATOR);
  };
  const inlineText = (s: Section, skip: number) => {
    const own = doc.inlineHeadings ? s.headings.slice(skip) : [];
    return own.length > 0 ? `${own.join(SEPARATOR)}\n${s.text}` : s.text;
  };

  let pack: Section[] = [];
  const flush = () => {
    if (pack.length === 0) return;
    const shared = doc.inlineHeadings
      ? commonPrefix(pack.map((s) => s.headings))
      : (pack[0]?.headings ?? []);
    const body = pack.map((s) => inlineText(s, shared.length)).join('\n\n');
    chunks.push({ title: titleOf(shared), body });
    pack = [];
  };
  const packSize = (sections: Section[]) => {
    const shared = commonPrefix(sections.map((s) => s.headings)).length;
    return sections.reduce((n, s) => n + inlineText(s, shared).length + 2, -2);
  };

  for (const section of doc.sections) {
    if (section.text.length > maxChars) {
      flush();
      for (const piece of splitText(section.text, { maxChars, overlapChars })) {
        chunks.push({ title: titleOf(section.headings), body: piece });
      }
    } else {
      if (pack.length > 0 && packSize([...pack, section]) > maxChars) flush();
      pack.push(section);
    }
    if (chunks.length >= maxChunks) break;
  }
  flush();
  return chunks.slice(0, maxChunks);
}
