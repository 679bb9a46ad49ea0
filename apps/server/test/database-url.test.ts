import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, mainScript as main, mainEnv } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bastion-dburl-'));
  dirs.push(dataDir);
  return spawnSync(process.execPath, [main], {
    env: mainEnv(dataDir, { DISABLE_PRIMARY: '1', ...env }),
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('DATABASE_URL at start-up', () => {
  it('waits, then says in one line (host and port, no password) that PostgreSQL is unreachable', async () => {
    const port = await closedPort();
    const result = start({
      DATABASE_URL: `postgres://bastion:hunter2secret@127.0.0.1:${port}/bastion`, // secret-scan: allow
      DATABASE_WAIT_MS: '1500',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `bastion: PostgreSQL at 127.0.0.1:${port}/bastion is unreachable (ECONNREFUSED)`,
    );
    expect(result.stdout).toContain(`waiting for PostgreSQL at 127.0.0.1:${port}/bastion…`);
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  });

  it('refuses a URL that is not postgres:// without echoing it', () => {
    const result = start({ DATABASE_URL: 'mysql://root:hunter2secret@db/x' }); // secret-scan: allow
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres://');
    expect(result.stderr).not.toContain('hunter2');
  });
});
