import type { Generated } from 'kysely';

/** One ingested document: unique per collection, ingest source and path. */
export interface DocumentsTable {
  id: Generated<number>;
  collection: string;
  /** The ingest root it came from (a folder's real path, or a caller-chosen label). */
  source: string;
  path: string;
  title: string;
  url: string | null;
  mime_type: string;
  /** SHA-256 of the raw content, so an unchanged document is skipped on re-ingest. */
  content_hash: string;
  bytes: number;
  chunk_count: number;
  /** Model whose vectors the chunks carry, or null when stored without embeddings. */
  embedding_model: string | null;
  ingested_at: number;
}

export interface ChunksTable {
  id: Generated<number>;
  document_id: number;
  collection: string;
  ordinal: number;
  /** Document title plus heading path: indexed with a higher weight than the body. */
  title: string;
  body: string;
}

export interface ChunkVectorsTable {
  chunk_id: number;
  model: string;
  /** float32 vector in sqlite-vec's blob format. */
  embedding: Uint8Array;
}

/** The full-text index of each collection (`chunks_fts_<id>`, see rag/search/collection-index.ts). */
export interface CollectionIndexesTable {
  id: Generated<number>;
  collection: string;
}

/** Every table of the Bastion database; features add theirs through new migrations. */
export interface Database {
  documents: DocumentsTable;
  chunks: ChunksTable;
  chunk_vectors: ChunkVectorsTable;
  collection_indexes: CollectionIndexesTable;
}
