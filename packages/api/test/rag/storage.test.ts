import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { isBusyError, withBusyRetry } from '../../src/db/retry.ts';
import { ensureCollectionIndex } from '../../src/rag/search/collection-index.ts';
import { cleanup, tempDir } from './temp.ts';

afterEach(cleanup);

describe('storage', () => {
  it('opens one SQLite file in WAL mode with the required pragmas', async () => {
    const path = join(tempDir(), 'nested', 'bastion.sqlite');
    const storage = await openStorage(path);
    try {
      expect(storage.journalMode).toBe('wal');
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`pragma ${name}`).execute(storage.db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(10_000);
    } finally {
      await storage.close();
    }
  });

  it('applies migrations once: reopening finds nothing to do', async () => {
    const path = join(tempDir(), 'bastion.sqlite');
    const first = await openStorage(path);
    await first.close();
    const second = await openStorage(path);
    try {
      const applied = await second.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((r) => (r as { name: string }).name)).toEqual(
        migrations.map(([name]) => name),
      );
      const tables = await sql<{ name: string }>`
        select name from sqlite_master where type in ('table', 'trigger') order by name`.execute(
        second.db,
      );
      expect(tables.rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(['documents', 'chunks', 'collection_indexes', 'chunk_vectors']),
      );
    } finally {
      await second.close();
    }
  });

  it('keeps migrations in the order Kysely applies them (by name)', () => {
    const names = migrations.map(([name]) => name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('migrates once when several processes open a fresh file together', async () => {
    const path = join(tempDir(), 'bastion.sqlite');
    const worker = fileURLToPath(new URL('./fixtures/open-storage.ts', import.meta.url));
    const applied = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<string[]>((resolve, reject) => {
            execFile(process.execPath, [worker, path], (error, stdout) =>
              error ? reject(error) : resolve(JSON.parse(stdout) as string[]),
            );
          }),
      ),
    );
    expect(applied.flat()).toEqual(migrations.map(([name]) => name));
    const check = new BetterSqlite3(path);
    expect(check.prepare('select count(*) as n from kysely_migration').get()).toEqual({
      n: migrations.length,
    });
    check.close();
  });

  it('retries a write that meets a real lock until the holder commits', async () => {
    const path = join(tempDir(), 'bastion.sqlite');
    const storage = await openStorage(path);
    await ensureCollectionIndex(storage.db, 'c');
    await storage.close();
    const holder = new BetterSqlite3(path);
    const writer = new BetterSqlite3(path, { timeout: 0 });
    try {
      holder.exec('begin immediate');
      const write = () =>
        writer
          .prepare(
            `insert into documents (collection, source, path, title, mime_type, content_hash,
              bytes, chunk_count, ingested_at) values ('c', 's', 'p', 't', 'text/plain', 'h', 0, 0, 0)`,
          )
          .run();
      let busy: unknown;
      try {
        write();
      } catch (error) {
        busy = error;
      }
      expect(isBusyError(busy)).toBe(true);

      setTimeout(() => holder.exec('commit'), 120);
      const result = await withBusyRetry(write, { tries: 5, baseDelayMs: 40 });
      expect(result.changes).toBe(1);
    } finally {
      if (holder.inTransaction) holder.exec('rollback');
      holder.close();
      writer.close();
    }
  });

  it('gives up after five tries and passes other errors through at once', async () => {
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await expect(
      withBusyRetry(
        () => {
          calls++;
          throw busy;
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toBe(busy);
    expect(calls).toBe(5);

    calls = 0;
    await expect(
      withBusyRetry(() => {
        calls++;
        throw new Error('constraint failed');
      }),
    ).rejects.toThrow('constraint failed');
    expect(calls).toBe(1);
  });
});
