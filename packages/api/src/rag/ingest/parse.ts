import { chunkDocument } from './chunk.ts';
import { extractDocument } from './extract.ts';
import type { ChunkDraft, SourceDocument } from './types.ts';

/** A document's extracted title and format, and its chunks: what ingestion stores for it. */
export interface ParsedDocument {
  title: string;
  mimeType: string;
  chunks: ChunkDraft[];
}

/** Extracts and chunks one document (the CPU-heavy part of ingestion; runs in the parse thread). */
export async function parseDocument(doc: SourceDocument): Promise<ParsedDocument> {
  const extracted = await extractDocument(doc);
  return { title: extracted.title, mimeType: extracted.mimeType, chunks: chunkDocument(extracted) };
}
