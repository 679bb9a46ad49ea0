import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type EmbeddingsClient, embeddingInput } from '../embeddings.ts';
import {
  deleteDocuments,
  type PreparedDocument,
  storedVersions,
  writeDocuments,
} from '../store.ts';
import { parseOffThread } from './parse-thread.ts';
import type { SourceDocument } from './types.ts';

/** Bump when extraction or chunking changes, so re-ingest rebuilds every document. */
const PIPELINE_VERSION = '1';
/** A transaction commits after this many documents or characters of chunk text. */
const BATCH_DOCUMENTS = 64;
const BATCH_CHARS = 4_000_000;

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
}

function contentHash(doc: SourceDocument): string {
  const hash = createHash('sha256');
  for (const part of [PIPELINE_VERSION, doc.title ?? '', doc.url ?? '', doc.mimeType ?? '']) {
    hash.update(part).update('\0');
  }
  return hash.update(doc.content).digest('hex');
}

function byteLength(content: string | Uint8Array): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

async function prepare(doc: SourceDocument, hash: string): Promise<PreparedDocument> {
  const { title, mimeType, chunks } = await parseOffThread(doc);
  return {
    path: doc.path,
    title,
    url: doc.url ?? null,
    mimeType,
    hash,
    bytes: byteLength(doc.content),
    chunks,
    vectors: null,
  };
}

/**
 * Ingests documents into a collection: unchanged ones (same content hash and embedding model)
 * are skipped, changed ones replaced, new ones added, and with `removeMissing` the source's
 * documents not seen are removed. Embeddings are fetched before each batch's transaction, never
 * inside it.
 */
export async function ingestDocuments(
  { db, embeddings }: IngestContext,
  request: IngestRequest,
): Promise<IngestSummary> {
  const { collection, source } = request;
  const summary = emptySummary();
  const model = embeddings?.model ?? null;
  const stored = await storedVersions(db, collection, source);
  const seen = new Set<string>();
  let batch: PreparedDocument[] = [];
  let batchChars = 0;
  let done = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    if (embeddings) {
      const chunks = batch.flatMap((d) => d.chunks);
      const values = await embeddings.embed(chunks.map(embeddingInput));
      let at = 0;
      for (const doc of batch) {
        doc.vectors = { model: embeddings.model, values: values.slice(at, at + doc.chunks.length) };
        at += doc.chunks.length;
      }
    }
    const outcomes = await writeDocuments(db, collection, source, batch);
    outcomes.forEach((outcome, i) => {
      summary[outcome]++;
      if (outcome !== 'unchanged') summary.chunks += batch[i]?.chunks.length ?? 0;
    });
    batch = [];
    batchChars = 0;
  };

  for await (const doc of request.documents) {
    if (seen.has(doc.path)) continue;
    seen.add(doc.path);
    const hash = contentHash(doc);
    const current = stored.get(doc.path);
    if (current && current.hash === hash && current.embeddingModel === model) {
      summary.unchanged++;
    } else {
      try {
        const prepared = await prepare(doc, hash);
        batch.push(prepared);
        batchChars += prepared.chunks.reduce((n, c) => n + c.body.length, 0);
      } catch (error) {
        summary.failed.push({ path: doc.path, reason: (error as Error).message.slice(0, 200) });
      }
      if (batch.length >= BATCH_DOCUMENTS || batchChars >= BATCH_CHARS) await flush();
    }
    request.onProgress?.({ done: ++done, total: request.total ?? null, path: doc.path });
  }
  await flush();

  if (request.removeMissing) {
    const vanished = [...stored.entries()].filter(([path]) => !seen.has(path)).map(([, v]) => v.id);
    summary.removed = await deleteDocuments(db, collection, vanished);
  }
  return summary;
}
