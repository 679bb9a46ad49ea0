import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Vector search on PostgreSQL through pgvector, when the server has the extension.
 *
 * Ingest stores every embedding as it does on SQLite: `chunk_vectors.embedding`, the float32
 * vector's bytes (little-endian, sqlite-vec's format), so the write path is one for both engines.
 * Where pgvector exists, a stored generated column `embedding_vector` decodes those bytes into a
 * `vector` in the same statement; nearest-neighbour search orders by its cosine distance (`<=>`,
 * the same 1 − cos as sqlite-vec's `vec_distance_cosine`). Like SQLite's search, an exact scan
 * of the collection's vectors: an HNSW index needs the dimension fixed in the schema, which only
 * the configured embeddings endpoint knows.
 *
 * Without the extension (Debian's PostgreSQL packages have none) nothing is added and the
 * knowledge base searches full text only, saying so at start-up when embeddings are configured.
 * The check runs at every start, so installing pgvector later enables vectors on the next start
 * (existing embeddings included: adding the column computes it for every stored row).
 */

const LOCK = 'bastion:pgvector';

/**
 * Little-endian float32 bytes as `real[]`, by IEEE 754 arithmetic (PostgreSQL has no cast from
 * bytea). Null when a value is infinite or NaN, which pgvector refuses: that chunk is then found
 * by full text only, and the ingest does not fail.
 */
const DECODE_FLOAT4 = sql`
  create or replace function bastion_float4_array(bytes bytea) returns real[]
  language sql immutable strict parallel safe as $$
    select case when bool_or(e = 255) then null else array_agg(
      (case when s = 1 then -1 else 1 end) * case
        when e = 0 then m * 2 ^ (-149)
        else (1 + m / 8388608.0) * 2 ^ (e - 127)
      end order by i)::real[] end
    from (
      select i,
        get_byte(bytes, 4 * i + 3) >> 7 as s,
        ((get_byte(bytes, 4 * i + 3) & 127) << 1) | (get_byte(bytes, 4 * i + 2) >> 7) as e,
        ((get_byte(bytes, 4 * i + 2) & 127) << 16) | (get_byte(bytes, 4 * i + 1) << 8)
          | get_byte(bytes, 4 * i) as m
      from generate_series(0, length(bytes) / 4 - 1) as i
    ) as parts
  $$`;

/**
 * Makes stored vectors searchable with pgvector when the server offers it (creating the
 * extension if this user may); resolves to whether vector search is available. Replicas starting
 * together take turns on an advisory lock.
 */
export async function enablePgvector(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK}))`.execute(trx);
    const installed = async () =>
      (await sql`select 1 from pg_extension where extname = 'vector'`.execute(trx)).rows.length > 0;
    if (!(await installed())) {
      // Only a superuser (or the database owner, for a trusted extension) may create it.
      await sql`
        do $$ begin
          if exists (select 1 from pg_available_extensions where name = 'vector') then
            create extension if not exists vector;
          end if;
        exception when insufficient_privilege then null;
        end $$`.execute(trx);
      if (!(await installed())) return false;
    }
    await DECODE_FLOAT4.execute(trx);
    await sql`
      alter table chunk_vectors add column if not exists embedding_vector vector
        generated always as (bastion_float4_array(embedding)::vector) stored`.execute(trx);
    return true;
  });
}

/** pgvector's text form of a vector (each float32 printed exactly enough to read back the same). */
function vectorLiteral(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

/** The `k` chunks of `collection` nearest to `vector`, as `rag/vectors.ts` finds them on SQLite. */
export async function nearestChunksPgvector(
  db: Kysely<Database>,
  vector: Float32Array,
  { collection, model, k }: { collection: string; model: string; k: number },
): Promise<{ id: number; distance: number }[]> {
  const { rows } = await sql<{ id: number; distance: number }>`
    select v.chunk_id as id, v.embedding_vector <=> ${vectorLiteral(vector)}::vector as distance
    from chunk_vectors v join chunks c on c.id = v.chunk_id
    where c.collection = ${collection}
      and v.model = ${model}
      and vector_dims(v.embedding_vector) = ${vector.length}
    order by distance limit ${k}`.execute(db);
  return rows.map((r) => ({ id: r.id, distance: Number(r.distance) }));
}
