import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

export interface PglitePool extends PostgresPool {
  pglite: PGlite;
}

/**
 * PGlite (PostgreSQL 17 compiled to WebAssembly, in this process) behind the pool interface of
 * Kysely's Postgres dialect. It has one session, so connections are handed out one at a time.
 * With `vectors`, it has the pgvector extension that Debian's PostgreSQL lacks.
 */
export async function pglitePool({ vectors }: { vectors: boolean }): Promise<PglitePool> {
  const pglite = await PGlite.create(vectors ? { extensions: { vector } } : {});
  let turn: Promise<void> = Promise.resolve();
  return {
    pglite,
    options: {},
    async connect() {
      const previous = turn;
      let release = () => {};
      turn = new Promise((resolve) => {
        release = resolve;
      });
      await previous;
      const client = {
        async query(text: string, parameters: readonly unknown[]) {
          const result = await pglite.query(text, [...parameters]);
          return {
            command: /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase(),
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows,
          };
        },
        release,
      };
      return client as unknown as PostgresPoolClient;
    },
    end: () => pglite.close(),
  };
}
