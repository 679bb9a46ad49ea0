import type { Kysely } from 'kysely';
import { isBusyError } from '../../db/retry.ts';
import type { Database } from '../../db/schema.ts';
import { type EmbeddingsClient, embeddingInput } from '../embeddings.ts';
import {
  deleteDocuments,
  type PreparedDocument,
  type WriteOutcome,
  writeDocuments,
} from '../store.ts';
import { type ParsedDocument, parseDocument } from './parse.ts';
import { parseOffThread } from './parse-thread.ts';
import { ThreadClient } from './thread-client.ts';
import type { SourceDocument } from './types.ts';

/** A document ingestion found new or changed, with its content hash. */
export interface ChangedDocument {
  doc: SourceDocument;
  hash: string;
}

/** What became of one changed document: stored (with its chunk count), or why it failed. */
export type DocumentOutcome = { outcome: WriteOutcome; chunks: number } | { failed: string };

/** Where ingestion parses, stores and deletes documents: the knowledge base's own database. */
export interface DocumentWriter {
  /**
   * Parses and stores a batch of changed documents, replacing older versions at the same paths.
   * A document that cannot be parsed fails alone; with `embeddings`, chunks are embedded before
   * the transaction, never inside it. One outcome per document, in order.
   */
  ingest(
    collection: string,
    source: string,
    docs: ChangedDocument[],
    embeddings: EmbeddingsClient | null,
  ): Promise<DocumentOutcome[]>;
  /** Deletes documents with their chunks and index entries; resolves to how many went. */
  remove(collection: string, ids: number[]): Promise<number>;
  /** Finishes the work in flight and lets go of what the writer holds. */
  close(): Promise<void>;
}

/**
 * A transaction holds at most this many characters of chunk text (one document at least): the
 * write lock is held, and other writers wait, for about a second at most on a busy machine.
 */
const TRANSACTION_CHARS = 1_000_000;

function byteLength(content: string | Uint8Array): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}

function prepared({ doc, hash }: ChangedDocument, parsed: ParsedDocument): PreparedDocument {
  return {
    path: doc.path,
    title: parsed.title,
    url: doc.url ?? null,
    mimeType: parsed.mimeType,
    hash,
    bytes: byteLength(doc.content),
    chunks: parsed.chunks,
    vectors: null,
  };
}

/** Parses each document with `parse`; a failure stays with its document. */
async function prepareAll(
  docs: ChangedDocument[],
  parse: (doc: SourceDocument) => Promise<ParsedDocument>,
): Promise<(PreparedDocument | { failed: string })[]> {
  const out: (PreparedDocument | { failed: string })[] = [];
  for (const changed of docs) {
    try {
      out.push(prepared(changed, await parse(changed.doc)));
    } catch (error) {
      out.push({ failed: (error as Error).message.slice(0, 200) });
    }
  }
  return out;
}

async function embedAll(docs: PreparedDocument[], embeddings: EmbeddingsClient): Promise<void> {
  const values = await embeddings.embed(docs.flatMap((d) => d.chunks).map(embeddingInput));
  let at = 0;
  for (const doc of docs) {
    doc.vectors = { model: embeddings.model, values: values.slice(at, at + doc.chunks.length) };
    at += doc.chunks.length;
  }
}

/**
 * Stores the prepared documents in transactions of at most TRANSACTION_CHARS of chunk text and
 * returns every document's outcome, failures where they were.
 */
async function storePrepared(
  items: (PreparedDocument | { failed: string })[],
  write: (docs: PreparedDocument[]) => Promise<WriteOutcome[]>,
): Promise<DocumentOutcome[]> {
  const outcomes: DocumentOutcome[] = items.map((item) =>
    'failed' in item ? item : { outcome: 'unchanged', chunks: 0 },
  );
  let group: { at: number; doc: PreparedDocument }[] = [];
  let chars = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const written = await write(group.map((g) => g.doc));
    group.forEach(({ at, doc }, i) => {
      const outcome = written[i] ?? 'unchanged';
      outcomes[at] = { outcome, chunks: outcome === 'unchanged' ? 0 : doc.chunks.length };
    });
    group = [];
    chars = 0;
  };
  for (const [at, item] of items.entries()) {
    if ('failed' in item) continue;
    const size = item.chunks.reduce((n, c) => n + c.title.length + c.body.length, 0);
    if (chars > 0 && chars + size > TRANSACTION_CHARS) await flush();
    group.push({ at, doc: item });
    chars += size;
  }
  await flush();
  return outcomes;
}

/** Parses on the parse thread, embeds, then stores through `write`. */
async function ingestPreparedHere(
  docs: ChangedDocument[],
  embeddings: EmbeddingsClient | null,
  write: (docs: PreparedDocument[]) => Promise<WriteOutcome[]>,
): Promise<DocumentOutcome[]> {
  const items = await prepareAll(docs, parseOffThread);
  const ready = items.filter((item): item is PreparedDocument => !('failed' in item));
  if (embeddings && ready.length > 0) await embedAll(ready, embeddings);
  return storePrepared(items, write);
}

/** Writes through `db` on this thread: PostgreSQL (its server does the indexing). */
export function directWriter(db: Kysely<Database>): DocumentWriter {
  return {
    ingest: (collection, source, docs, embeddings) =>
      ingestPreparedHere(docs, embeddings, (batch) =>
        writeDocuments(db, collection, source, batch),
      ),
    remove: (collection, ids) => deleteDocuments(db, collection, ids),
    close: async () => {},
  };
}

export type WriteRequest =
  | { op: 'ingest'; collection: string; source: string; docs: ChangedDocument[] }
  | { op: 'write'; collection: string; source: string; docs: PreparedDocument[] }
  | { op: 'remove'; collection: string; ids: number[] }
  | { op: 'close' };

/** Work on the write thread: parsing and storing one batch, lock waits included. */
export async function handleWrite(
  db: Kysely<Database>,
  request: Exclude<WriteRequest, { op: 'close' }>,
): Promise<DocumentOutcome[] | WriteOutcome[] | number> {
  switch (request.op) {
    case 'ingest': {
      const { collection, source, docs } = request;
      return storePrepared(await prepareAll(docs, parseDocument), (batch) =>
        writeDocuments(db, collection, source, batch),
      );
    }
    case 'write':
      return writeDocuments(db, request.collection, request.source, request.docs);
    case 'remove':
      return deleteDocuments(db, request.collection, request.ids);
  }
}

/** A batch that takes longer than this fails (lock waits included: five tries of 10 s). */
const WRITE_TIMEOUT_MS = 120_000;
/** Heap of the write thread: it parses too (see `parse-thread.ts`). */
const WRITE_HEAP_MB = 1024;

/**
 * Parses and writes on a worker thread with its own connection to the SQLite file (WAL: readers
 * on the main thread are never blocked). Inserting thousands of chunks runs SQLite's full-text
 * indexing inside synchronous calls that held the event loop for hundreds of milliseconds per
 * document, and a document's chunks cost as long again to copy between threads; here the raw
 * document goes to the thread and only its outcome comes back, so health checks and chat go on
 * while it works, and while it waits for a lock another process holds (SQLite's own busy wait,
 * on the thread). With embeddings, the chunks come to this thread to be embedded first.
 */
export function sqliteWriterThread(databasePath: string): DocumentWriter {
  const thread = new ThreadClient<WriteRequest, unknown>(
    new URL('./write-worker.ts', import.meta.url),
    { timeoutMs: WRITE_TIMEOUT_MS, heapMb: WRITE_HEAP_MB, workerData: { databasePath } },
  );
  return {
    ingest: async (collection, source, docs, embeddings) => {
      if (embeddings) {
        return ingestPreparedHere(
          docs,
          embeddings,
          async (batch) =>
            (await thread.call({ op: 'write', collection, source, docs: batch })) as WriteOutcome[],
        );
      }
      const ingest = async (batch: ChangedDocument[]) =>
        (await thread.call({ op: 'ingest', collection, source, docs: batch })) as DocumentOutcome[];
      try {
        return await ingest(docs);
      } catch (error) {
        // The thread died or timed out (a document exhausted its heap, say): documents fail
        // alone, so each goes again by itself. A lock that stayed busy is the caller's to report.
        if (isBusyError(error)) throw error;
        if (docs.length === 1) return [{ failed: (error as Error).message.slice(0, 200) }];
        const outcomes: DocumentOutcome[] = [];
        for (const doc of docs) {
          outcomes.push(
            ...(await ingest([doc]).catch((failure: Error) => {
              if (isBusyError(failure)) throw failure;
              return [{ failed: failure.message.slice(0, 200) }];
            })),
          );
        }
        return outcomes;
      }
    },
    remove: async (collection, ids) =>
      ids.length === 0 ? 0 : ((await thread.call({ op: 'remove', collection, ids })) as number),
    close: () => thread.close({ op: 'close' }),
  };
}
