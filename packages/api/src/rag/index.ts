// The knowledge base as the server and other programs use it.
export {
  COLLECTION_PATTERN,
  collectionFolder,
  confinedPath,
  DEFAULT_COLLECTION,
  PathEscapeError,
} from './collections.ts';
export { type DemoOptions, ingestCollectionFolders, ingestDemo } from './demo.ts';
export type { EmbeddingsConfig } from './embeddings.ts';
export type { IngestSummary } from './ingest/pipeline.ts';
export {
  type CollectionInfo,
  type DocumentInfo,
  KnowledgeBase,
  type KnowledgeBaseOptions,
  type RagStatus,
  type SearchHit,
  type SearchResult,
} from './knowledge-base.ts';
export { RAG_LIMITS } from './router.ts';
