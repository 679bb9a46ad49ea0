import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { EmbeddingsClient } from '../embeddings.ts';
import { storedVersions } from '../store.ts';
import type { SourceDocument } from './types.ts';
import { type ChangedDocument, type DocumentWriter, directWriter } from './writer.ts';

/** Bump when extraction or chunking changes, so re-ingest rebuilds every document. */
const PIPELINE_VERSION = '1';
/** Changed documents go to the writer in batches of this many, or of this many bytes. */
const BATCH_DOCUMENTS = 64;
const BATCH_BYTES = 1_000_000;

export interface IngestSummary {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Chunks written by this run. */
  chunks: number;
  /** Documents that could not be read or parsed (the rest still went in). */
  failed: { path: string; reason: string }[];
}

export function emptySummary(): IngestSummary {
  return { added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, failed: [] };
}

/** Adds `summary`'s counts and failures into `total`. */
export function addSummary(total: IngestSummary, summary: IngestSummary): void {
  for (const key of ['added', 'updated', 'unchanged', 'removed', 'chunks'] as const) {
    total[key] += summary[key];
  }
  total.failed.push(...summary.failed);
}

export interface IngestProgress {
  done: number;
  total: number | null;
  path: string;
}

export interface IngestRequest {
  collection: string;
  /** Where the documents come from (a folder's real path, `api`…): scopes `removeMissing`. */
  source: string;
  documents: AsyncIterable<SourceDocument> | Iterable<SourceDocument>;
  /** Also delete this source's documents that the run did not see. */
  removeMissing: boolean;
  total?: number;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestContext {
  db: Kysely<Database>;
  embeddings: EmbeddingsClient | null;
  /** Where writes go (default: through `db` on this thread). */
  writer?: DocumentWriter;
}

function contentHash(doc: SourceDocument): string {
  const hash = createHash('sha256');
  for (const part of [PIPELINE_VERSION, doc.title ?? '', doc.url ?? '', doc.mimeType ?? '']) {
    hash.update(part).update('\0');
  }
  return hash.update(doc.content).digest('hex');
}

/**
 * Ingests documents into a collection: unchanged ones (same content hash and embedding model)
 * are skipped, changed ones replaced, new ones added, and with `removeMissing` the source's
 * documents not seen are removed. Embeddings are fetched before each batch's transaction, never
 * inside it.
 */
export async function ingestDocuments(
  { db, embeddings, writer = directWriter(db) }: IngestContext,
  request: IngestRequest,
): Promise<IngestSummary> {
  const { collection, source } = request;
  const summary = emptySummary();
  const model = embeddings?.model ?? null;
  const stored = await storedVersions(db, collection, source);
  const seen = new Set<string>();
  let batch: ChangedDocument[] = [];
  let batchBytes = 0;
  let done = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await writer.ingest(collection, source, batch, embeddings);
    outcomes.forEach((outcome, i) => {
      if ('failed' in outcome) {
        summary.failed.push({ path: batch[i]?.doc.path ?? '', reason: outcome.failed });
      } else {
        summary[outcome.outcome]++;
        summary.chunks += outcome.chunks;
      }
    });
    batch = [];
    batchBytes = 0;
  };

  for await (const doc of request.documents) {
    if (seen.has(doc.path)) continue;
    seen.add(doc.path);
    const hash = contentHash(doc);
    const current = stored.get(doc.path);
    if (current && current.hash === hash && current.embeddingModel === model) {
      summary.unchanged++;
    } else {
      batch.push({ doc, hash });
      batchBytes += doc.content.length;
      if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) await flush();
    }
    request.onProgress?.({ done: ++done, total: request.total ?? null, path: doc.path });
  }
  await flush();

  if (request.removeMissing) {
    const vanished = [...stored.entries()].filter(([path]) => !seen.has(path)).map(([, v]) => v.id);
    summary.removed = await writer.remove(collection, vanished);
  }
  return summary;
}
