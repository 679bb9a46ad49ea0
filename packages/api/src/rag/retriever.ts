/** A retrieved chunk, with the text chat puts in the prompt and the snippet users see. */
export interface Passage {
  id: string;
  documentId: string;
  title: string;
  path: string;
  url?: string;
  /** Short, highlighted, secret-redacted excerpt for citations. */
  snippet: string;
  /**
   * The text of the document's best chunk, for prompt context and extractive answers; more
   * chunks of the document may follow, each after PASSAGE_GAP and opening with its title path as
   * a Markdown heading line (`# Guide › Configuration`).
   */
  text: string;
  score: number;
}

export interface RetrieveOptions {
  collection?: string;
  /** How many documents (or chunks, without grouping) to return. */
  k?: number;
  signal?: AbortSignal;
  /**
   * One hit per document, its best chunk (default). False ranks chunks, so several chunks of one
   * document may follow each other.
   */
  groupByDocument?: boolean;
}

/** Between two chunks of one passage: text may be missing there, and sentences may be cut. */
export const PASSAGE_GAP = '\n\n[…]\n\n';

/** What chat needs from the knowledge base. */
export interface Retriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<Passage[]>;
  /** Whether the collection exists (holds a document); a retriever without collections omits it. */
  hasCollection?(collection: string): Promise<boolean>;
}
