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

/** How many leading headings `a` and `b` share. */
function sharedDepth(a: readonly string[], b: readonly string[], limit: number): number {
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/**
 * Chunks a document: small neighbouring sections share a chunk (prose repeats the sub-headings
 * inline), long ones are split with overlap; each chunk's title is the document title plus the
 * heading path it sits under. A pack's size is kept as sections join it (recounted only when the
 * shared heading path shortens, at most once per heading level), so chunking is linear in the
 * number of sections.
 */
export function chunkDocument(
  doc: ExtractedDocument,
  { maxChars, overlapChars, maxChunks }: ChunkOptions = DEFAULT_CHUNKING,
): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  const titleOf = (headings: readonly string[]) => {
    const path = headings[0] === doc.title ? headings.slice(1) : headings;
    return [doc.title, ...path].join(SEPARATOR);
  };
  const ownHeadings = (s: Section, skip: number) =>
    doc.inlineHeadings ? s.headings.slice(skip) : [];
  const inlineText = (s: Section, skip: number) => {
    const own = ownHeadings(s, skip);
    return own.length > 0 ? `${own.join(SEPARATOR)}\n${s.text}` : s.text;
  };
  const inlineLength = (s: Section, skip: number) => {
    const own = ownHeadings(s, skip);
    if (own.length === 0) return s.text.length;
    const headings = own.reduce((n, h) => n + h.length, SEPARATOR.length * (own.length - 1));
    return headings + 1 + s.text.length;
  };

  let pack: Section[] = [];
  /** Heading path every section of the pack shares, and the pack's joined length under it. */
  let depth = 0;
  let size = 0;
  const flush = () => {
    const [first] = pack;
    if (!first) return;
    const shared = doc.inlineHeadings ? first.headings.slice(0, depth) : first.headings;
    const body = pack.map((s) => inlineText(s, shared.length)).join('\n\n');
    chunks.push({ title: titleOf(shared), body });
    pack = [];
  };
  const add = (section: Section) => {
    const [first] = pack;
    if (!first) {
      pack = [section];
      depth = section.headings.length;
      size = inlineLength(section, depth);
      return;
    }
    const joined = sharedDepth(first.headings, section.headings, depth);
    const packSize =
      joined === depth ? size : pack.reduce((n, s) => n + inlineLength(s, joined) + 2, -2);
    const grown = packSize + 2 + inlineLength(section, joined);
    if (grown > maxChars) {
      flush();
      add(section);
      return;
    }
    pack.push(section);
    depth = joined;
    size = grown;
  };

  for (const section of doc.sections) {
    if (section.text.length > maxChars) {
      flush();
      for (const piece of splitText(section.text, { maxChars, overlapChars })) {
        chunks.push({ title: titleOf(section.headings), body: piece });
        if (chunks.length >= maxChunks) break;
      }
    } else {
      add(section);
    }
    if (chunks.length >= maxChunks) break;
  }
  flush();
  return chunks.slice(0, maxChunks);
}
