/** A retrieved chunk, with the text chat puts in the prompt and the snippet users see. */
export interface Passage {
  id: string;
  documentId: string;
  title: string;
  path: string;
  url?: string;
  /** Short, highlighted, secret-redacted excerpt for citations. */
  snippet: string;
  /** The chunk's full text, for prompt context and extractive answers. */
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

/** What chat needs from the knowledge base. */
export interface Retriever {
  retrieve(query: string, options?: RetrieveOptions): Promise<Passage[]>;
}
