import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/** sqlite-vec's float32 blob: the vector's bytes as they are. */
export function vectorBlob(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/**
 * The `k` chunks of `collection` nearest to `vector` by cosine distance (sqlite-vec), among those
 * embedded with `model` at the same dimension. An exact scan: vec0's index needs the dimension
 * fixed in the schema, which only the configured endpoint knows.
 */
export async function nearestChunks(
  db: Kysely<Database>,
  vector: Float32Array,
  { collection, model, k }: { collection: string; model: string; k: number },
): Promise<{ id: number; distance: number }[]> {
  const { rows } = await sql<{ id: number; distance: number }>`
    select chunk_vectors.chunk_id as id,
           vec_distance_cosine(chunk_vectors.embedding, ${vectorBlob(vector)}) as distance
    from chunk_vectors join chunks on chunks.id = chunk_vectors.chunk_id
    where chunks.collection = ${collection}
      and chunk_vectors.model = ${model}
      and vec_length(chunk_vectors.embedding) = ${vector.length}
    order by distance limit ${k}`.execute(db);
  return rows;
}

/** Reciprocal rank fusion: Σ 1 / (60 + rank) over the lists a chunk appears in. */
export function reciprocalRankFusion(lists: readonly (readonly number[])[], k: number) {
  const scores = new Map<number, number>();
  for (const list of lists) {
    for (const [rank, id] of list.entries()) {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (60 + rank + 1));
    }
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}
