import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Lists longer than this compile each time: only the short lists of a search recur. */
const MAX_CACHED_LENGTH = 64;

type Build<Row> = (db: Kysely<Database>, ids: readonly number[]) => Compilable<Row>;

/**
 * A query over a list of ids (`where id in (…)`) compiled once per database and list length: its
 * SQL depends only on how many ids it takes, and Kysely's compiling cost about as much as
 * SQLite's answering for the few rows a search reads. A compiled query is reused only when
 * compiling showed that its parameters are the ids themselves, in order; any other query is
 * compiled every time.
 */
export function idListQuery<Row>(
  build: Build<Row>,
): (db: Kysely<Database>, ids: readonly number[]) => Promise<Row[]> {
  const byDatabase = new WeakMap<Kysely<Database>, Map<number, CompiledQuery<Row> | null>>();
  return async (db, ids) => {
    const compiled = byDatabase.get(db) ?? new Map<number, CompiledQuery<Row> | null>();
    byDatabase.set(db, compiled);
    const cached = ids.length <= MAX_CACHED_LENGTH ? compiled.get(ids.length) : null;
    let query: CompiledQuery<Row>;
    if (cached) {
      query = { ...cached, parameters: ids };
    } else {
      query = build(db, ids).compile();
      if (cached === undefined) {
        const same =
          query.parameters.length === ids.length && query.parameters.every((p, i) => p === ids[i]);
        compiled.set(ids.length, same ? query : null);
      }
    }
    return (await db.executeQuery(query)).rows;
  };
}
