import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/transaction.ts';
import type { ChunkDraft } from './ingest/types.ts';
import { vectorBlob } from './vectors.ts';

/** A document ready to store: extracted, chunked and (when configured) embedded. */
export interface PreparedDocument {
  path: string;
  title: string;
  url: string | null;
  mimeType: string;
  hash: string;
  bytes: number;
  chunks: ChunkDraft[];
  /** One per chunk, with the model that made them; null without embeddings. */
  vectors: { model: string; values: Float32Array[] } | null;
}

export type WriteOutcome = 'added' | 'updated' | 'unchanged';

/** Rows per multi-row insert, well under SQLite's bound-parameter limit. */
const INSERT_ROWS = 200;

async function writeOne(
  trx: Transaction<Database>,
  collection: string,
  source: string,
  doc: PreparedDocument,
): Promise<WriteOutcome> {
  const current = await trx
    .selectFrom('documents')
    .select(['id', 'content_hash', 'embedding_model'])
    .where('collection', '=', collection)
    .where('source', '=', source)
    .where('path', '=', doc.path)
    .executeTakeFirst();
  const model = doc.vectors?.model ?? null;
  // Another process may have stored this very version since we looked.
  if (current && current.content_hash === doc.hash && current.embedding_model === model) {
    return 'unchanged';
  }
  if (current) await trx.deleteFrom('documents').where('id', '=', current.id).execute();

  const { id } = await trx
    .insertInto('documents')
    .values({
      collection,
      source,
      path: doc.path,
      title: doc.title,
      url: doc.url,
      mime_type: doc.mimeType,
      content_hash: doc.hash,
      bytes: doc.bytes,
      chunk_count: doc.chunks.length,
      embedding_model: model,
      ingested_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  for (let start = 0; start < doc.chunks.length; start += INSERT_ROWS) {
    const rows = doc.chunks.slice(start, start + INSERT_ROWS).map((chunk, i) => ({
      document_id: id,
      collection,
      ordinal: start + i,
      title: chunk.title,
      body: chunk.body,
    }));
    const inserted = await trx
      .insertInto('chunks')
      .values(rows)
      .returning(['id', 'ordinal'])
      .execute();
    if (doc.vectors) {
      const { model: name, values } = doc.vectors;
      await trx
        .insertInto('chunk_vectors')
        .values(
          inserted.map((row) => ({
            chunk_id: row.id,
            model: name,
            embedding: vectorBlob(values[row.ordinal] as Float32Array),
          })),
        )
        .execute();
    }
  }
  return current ? 'updated' : 'added';
}

/** Stores a batch of documents in one transaction, replacing older versions at the same path. */
export function writeDocuments(
  db: Kysely<Database>,
  collection: string,
  source: string,
  docs: readonly PreparedDocument[],
): Promise<WriteOutcome[]> {
  return writeTransaction(db, async (trx) => {
    const outcomes: WriteOutcome[] = [];
    for (const doc of docs) outcomes.push(await writeOne(trx, collection, source, doc));
    return outcomes;
  });
}

export interface StoredVersion {
  id: number;
  hash: string;
  embeddingModel: string | null;
}

/** What a source holds in a collection now: path → stored version. */
export async function storedVersions(
  db: Kysely<Database>,
  collection: string,
  source: string,
): Promise<Map<string, StoredVersion>> {
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'path', 'content_hash', 'embedding_model'])
    .where('collection', '=', collection)
    .where('source', '=', source)
    .execute();
  return new Map(
    rows.map((r) => [
      r.path,
      { id: r.id, hash: r.content_hash, embeddingModel: r.embedding_model },
    ]),
  );
}

/** Deletes documents (their chunks, index entries and vectors cascade); returns how many went. */
export function deleteDocuments(
  db: Kysely<Database>,
  collection: string,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return Promise.resolve(0);
  return writeTransaction(db, async (trx) => {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += INSERT_ROWS) {
      const result = await trx
        .deleteFrom('documents')
        .where('collection', '=', collection)
        .where('id', 'in', ids.slice(start, start + INSERT_ROWS))
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  });
}
