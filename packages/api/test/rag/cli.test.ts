import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/rag/knowledge-base.ts';
import { cleanup, tempDir } from './temp.ts';

afterEach(cleanup);

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function bastion(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('bastion ingest', () => {
  it('ingests folders and files, prints a summary, and re-runs idempotently', async () => {
    const docs = join(tempDir(), 'handbook');
    mkdirSync(join(docs, 'policies'), { recursive: true });
    writeFileSync(join(docs, 'policies', 'leave.md'), '# Leave\n\nTwenty days of paid leave.');
    writeFileSync(join(docs, 'intro.txt'), 'Welcome aboard.');
    const extra = join(tempDir(), 'faq.md');
    writeFileSync(extra, '# FAQ\n\nParking is free.');
    const database = join(tempDir(), 'kb.sqlite');

    const first = await bastion([
      'ingest',
      docs,
      extra,
      '--collection',
      'hr',
      '--database',
      database,
    ]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      added: 3,
      updated: 0,
      unchanged: 0,
      removed: 0,
      chunks: 3,
    });
    // Not a terminal: no progress bar.
    expect(first.stderr).not.toContain('\r');

    writeFileSync(join(docs, 'intro.txt'), 'Welcome aboard, again.');
    const second = await bastion(['ingest', docs, extra, '-c', 'hr'], { DATABASE_PATH: database });
    expect(JSON.parse(second.stdout)).toEqual({
      added: 0,
      updated: 1,
      unchanged: 2,
      removed: 0,
      chunks: 1,
    });

    const kb = await KnowledgeBase.open({ databasePath: database });
    try {
      const { hits } = await kb.search('paid leave', { collection: 'hr' });
      expect(hits[0]?.path).toBe('handbook/policies/leave.md');
      expect((await kb.search('parking', { collection: 'hr' })).hits[0]?.path).toBe('faq.md');
    } finally {
      await kb.close();
    }
  });

  it('refuses bad arguments with a usage message', async () => {
    const dir = tempDir();
    expect((await bastion(['ingest'])).code).toBe(2);
    expect((await bastion(['ingest', dir, '--collection', '../x'])).stderr).toContain(
      'invalid --collection',
    );
    expect((await bastion(['ingest', join(dir, 'missing')])).stderr).toContain('not found');
  });
});
