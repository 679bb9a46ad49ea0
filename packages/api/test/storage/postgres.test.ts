import { join } from 'node:path';
import { type PostgresPool, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/rag/knowledge-base.ts';
import { DatabaseUnavailableError, openPostgres } from '../../src/storage/postgres.ts';
import { postgresMigrations } from '../../src/storage/postgres-migrations.ts';
import {
  createDatabase,
  freePort,
  startPostgres,
  type TestService,
} from '../../src/testing/services.ts';
import { cleanup, onCleanup, tempDir } from '../rag/temp.ts';

// PostgreSQL-only behaviour; the shared suites run on it through the `postgres` vitest project.

let server: TestService;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await cleanup();
  await server?.stop();
});

async function open(databaseUrl: string): Promise<KnowledgeBase> {
  const kb = await KnowledgeBase.open({
    databasePath: join(tempDir(), 'unused.sqlite'),
    databaseUrl,
  });
  onCleanup(() => kb.close());
  return kb;
}

async function freshDatabase(): Promise<string> {
  databases += 1;
  return createDatabase(server.url, `storage_${databases}`);
}

const DOCS = [
  ['heart.md', 'Heart attack', 'A myocardial infarction blocks blood flow to the heart muscle.'],
  [
    'diet.md',
    'Diet and the heart',
    'Saturated fat and salt raise blood pressure; fibre lowers it.',
  ],
  ['sleep.md', 'Sleep', 'Adults need seven hours of sleep. Sleep loss raises blood pressure.'],
  ['config.json', 'Settings', '{"settings": {"darkMode": true, "retention.days": 30}}'],
  ['café.md', 'Café culture', 'Coffee houses (cafés) serve espresso; e-mail me at a@b.example.'],
].map(([path, title, content]) => ({
  path: path as string,
  title: title as string,
  content: content as string,
  mimeType: 'text/plain',
}));

const QUERIES = ['blood pressure', 'heart', 'sleep loss', 'darkMode', 'cafe espresso', 'mail'];

async function rankings(kb: KnowledgeBase) {
  const out: Record<string, string[]> = {};
  for (const q of QUERIES) out[q] = (await kb.search(q, { k: 5 })).hits.map((h) => h.path);
  return out;
}

describe('PostgreSQL storage', () => {
  it('ranks like the SQLite default (same BM25, same words)', async () => {
    const sqlite = await KnowledgeBase.open({ databasePath: join(tempDir(), 'kb.sqlite') });
    onCleanup(() => sqlite.close());
    const postgres = await open(await freshDatabase());
    for (const kb of [sqlite, postgres]) {
      await kb.ingest({ source: 'api', removeMissing: false, documents: DOCS });
    }
    const expected = await rankings(sqlite);
    expect(expected['darkMode']).toEqual(['config.json']);
    expect(await rankings(postgres)).toEqual(expected);
    expect(postgres.status()).toMatchObject({
      ok: true,
      journalMode: 'postgresql 15',
      mode: 'fts',
    });
  });

  it('serves what another replica ingests, with statistics that follow its writes', async () => {
    const url = await freshDatabase();
    const [one, two] = [await open(url), await open(url)];
    await one.ingest({ source: 'api', removeMissing: false, documents: DOCS.slice(0, 2) });
    const before = (await two.search('blood')).hits;
    expect(before.map((h) => h.path).sort()).toEqual(['diet.md', 'heart.md']);
    // More chunks holding "blood" on replica one: replica two's idf must move with them.
    await one.ingest({ source: 'api', removeMissing: false, documents: DOCS.slice(2) });
    const after = (await two.search('blood')).hits;
    expect(after).toHaveLength(3);
    const heart = (hits: typeof after) => hits.find((h) => h.path === 'heart.md')?.score;
    expect(heart(after)).not.toBe(heart(before));
    // Deleting through one replica removes the document and its statistics for both.
    const { items } = await two.documents({ limit: 10 });
    const sleep = items.find((d) => d.path === 'sleep.md');
    expect(await two.deleteDocument(undefined, sleep?.id ?? 0)).toBe(true);
    expect((await one.search('sleep')).hits).toEqual([]);
  });

  it('keeps each term’s document frequency equal to its postings through writes, updates and deletes', async () => {
    const kb = await open(await freshDatabase());
    const drift = async () =>
      (
        await sql<{ n: number }>`
          select count(*) as n from term_stats t
          full join (select collection, term, count(*) as df from chunk_terms group by 1, 2) p
            using (collection, term)
          where coalesce(t.df, 0) <> coalesce(p.df, 0)`.execute(kb.database)
      ).rows[0]?.n;
    await kb.ingest({ source: 'api', removeMissing: false, documents: DOCS });
    await kb.ingest({ source: 'api', removeMissing: false, documents: DOCS, collection: 'other' });
    expect(await drift()).toBe(0);
    const changed = DOCS.map((d) => ({ ...d, content: `${d.content} Blood and sleep.` }));
    await kb.ingest({ source: 'api', removeMissing: true, documents: changed.slice(1) });
    expect(await drift()).toBe(0);
    // Deltas wait for their transaction's commit, then leave nothing behind.
    const pending = await sql<{ n: number }>`
      select (select count(*) from term_stats_pending) + (select count(*) from term_stats_fold) as n
    `.execute(kb.database);
    expect(pending.rows[0]?.n).toBe(0);
    const blood = await sql<{ df: number }>`
      select df from term_stats where collection = 'default' and term = 'blood'`.execute(
      kb.database,
    );
    expect(blood.rows[0]?.df).toBe(4);
  });

  it('waits for a database that comes up after the server starts', async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const opening = openPostgres({
      url: `postgres://postgres:hunter2secret@127.0.0.1:${port}/postgres`, // secret-scan: allow
      waitMs: 25_000,
      log: { warn: (_fields, message) => warnings.push(message) },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const late = await startPostgres({ port });
    try {
      const storage = await opening;
      expect(storage.applied).toEqual(postgresMigrations.map(([name]) => name));
      await storage.close();
    } finally {
      await late.stop();
    }
    expect(warnings).toEqual([`waiting for PostgreSQL at 127.0.0.1:${port}/postgres…`]);
    expect(warnings.join('')).not.toContain('hunter2');
  });

  it('fails clearly, without the password, when the database stays unreachable', async () => {
    const port = await freePort();
    const error = await openPostgres({
      url: `postgres://bastion:hunter2secret@127.0.0.1:${port}/bastion`, // secret-scan: allow
      waitMs: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe(
      `PostgreSQL at 127.0.0.1:${port}/bastion is unreachable (ECONNREFUSED)`,
    );
  });

  it('fails at once when the server refuses the login', async () => {
    const url = new URL(server.url);
    url.pathname = '/no_such_database';
    const error = await openPostgres({ url: url.href, waitMs: 30_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:\d+\/no_such_database refused the connection \(3D000\)$/,
    );
  });

  it('fails at once, naming both versions, on a PostgreSQL older than 14', async () => {
    // A stand-in server that answers as PostgreSQL 13.11 (no such package here to run).
    const pool: PostgresPool = {
      options: {},
      connect: async () =>
        ({
          query: async () => ({ command: 'SELECT', rowCount: 1, rows: [{ v: '130011' }] }),
          release() {},
        }) as never,
      end: async () => {},
    };
    const error = await openPostgres({
      url: 'postgres://bastion:hunter2secret@db.internal:5432/bastion', // secret-scan: allow
      pool,
      waitMs: 30_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe(
      'PostgreSQL at db.internal:5432/bastion is version 13; Bastion needs 14 or later',
    );
  });
});
