/** A document handed to ingestion: a file's bytes or text the caller supplies. */
export interface SourceDocument {
  /** Unique within its collection and source; shown to users as where a passage came from. */
  path: string;
  title?: string;
  url?: string;
  /** Text, or raw bytes (PDF). */
  content: string | Uint8Array;
  mimeType?: string;
}

/** A stretch of a document under one heading path. */
export interface Section {
  headings: string[];
  text: string;
}

export interface ExtractedDocument {
  title: string;
  mimeType: string;
  sections: Section[];
  /** Whether merged sections repeat their headings in the body (prose) or not (code). */
  inlineHeadings: boolean;
}

/** What gets stored and indexed: the title path is weighted above the body. */
export interface ChunkDraft {
  title: string;
  body: string;
}
