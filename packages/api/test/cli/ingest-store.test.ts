import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/rag/knowledge-base.ts';
import { createDatabase, startPostgres, type TestService } from '../../src/testing/services.ts';
import { cleanup, tempDir } from '../rag/temp.ts';

afterEach(cleanup);

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function bastion(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('bastion ingest writes where the server reads (a real PostgreSQL)', () => {
  let postgres: TestService | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  it('with DATABASE_URL, into PostgreSQL and not a SQLite file in DATA_DIR', async () => {
    const url = await createDatabase(postgres!.url, 'cli_ingest');
    const docs = join(tempDir(), 'handbook');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'leave.md'), '# Leave\n\nTwenty days of paid leave.');
    const dataDir = tempDir();

    const result = await bastion(['ingest', docs, '--collection', 'hr'], {
      DATABASE_URL: url,
      DATA_DIR: dataDir,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ added: 1 });
    expect(result.stderr).toContain('PostgreSQL 127.0.0.1:');

    // What a replica opens from the same environment finds it…
    const server = await KnowledgeBase.open({
      databasePath: join(dataDir, 'x.sqlite'),
      databaseUrl: url,
    });
    try {
      expect((await server.search('paid leave', { collection: 'hr' })).hits[0]?.path).toBe(
        'handbook/leave.md',
      );
    } finally {
      await server.close();
    }
    // …and the SQLite file a server without DATABASE_URL would read holds nothing of it.
    const local = await KnowledgeBase.open({ databasePath: join(dataDir, 'bastion.sqlite') });
    try {
      expect((await local.search('paid leave', { collection: 'hr' })).hits).toEqual([]);
    } finally {
      await local.close();
    }
  }, 60_000);

  it('fails in one line, naming no password, when the database cannot be reached', async () => {
    const docs = tempDir();
    writeFileSync(join(docs, 'a.md'), '# A\n\nText.');
    const result = await bastion(['ingest', docs], {
      DATABASE_URL: `postgres://bastion:S3cretPassw0rd@127.0.0.1:${postgres!.port}/missing_db`, // secret-scan: allow (fake password)
      DATABASE_WAIT_MS: '0',
      DATA_DIR: tempDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('S3cret');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  }, 60_000);
});

describe('bastion ingest into a new SQLite store', () => {
  it('makes the store private (folder 0700, database and its WAL 0600) and names where it writes', async () => {
    const docs = join(tempDir(), 'notes');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'a.md'), '# A\n\nSome text.');
    // A folder that does not exist yet, as on a first run.
    const dataDir = join(tempDir(), 'fresh', 'data');

    const result = await bastion(['ingest', docs], { DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const database = join(dataDir, 'bastion.sqlite');
    expect(result.stderr).toContain(`ingesting into ${database} (a new knowledge base)`);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(dataDir)) {
      expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
    }
    expect(readdirSync(dataDir)).toContain('bastion.sqlite');
  });
});

it('says what is missing when no path is given, before its usage', async () => {
  const result = await bastion(['ingest'], { DATA_DIR: tempDir() });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^bastion ingest: name a file or folder to ingest\n\nUsage:/);
});
