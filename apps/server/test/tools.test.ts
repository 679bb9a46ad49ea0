import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBastionClient, errorReason } from '@bastion/api/client';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/env.ts';
import { mainScript as main, mainEnv, startServer, tempDir } from './helpers.ts';

const ADMIN_SECRET = 'tools-admin-secret-0123456789';
const USER_SECRET = 'tools-user-secret-0123456789';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tools configuration', () => {
  it('is off and confined to the working directory by default', () => {
    expect(loadConfig({}).tools).toEqual({
      repoRoot: resolve('.'),
      allowTools: false,
      allowScripts: [],
      allowDirty: false,
      allowBehind: false,
      gitBase: 'origin/main',
      auditLogPath: resolve('data', 'tools_audit.log'),
      secrets: [],
    });
  });

  it('reads every variable; the audit log follows DATA_DIR unless set', () => {
    const repo = tempDir();
    const tools = loadConfig({
      REPO_ROOT: repo,
      ALLOW_TOOLS: '1',
      ALLOW_SCRIPTS: 'scripts/a.sh; ./tools/b.mjs ,c.py,,',
      ALLOW_DIRTY_TOOLS: 'yes',
      ALLOW_BEHIND_TOOLS: 'on',
      GIT_BASE: 'upstream/release-1.2',
      DATA_DIR: '/srv/bastion',
    }).tools;
    expect(tools).toEqual({
      repoRoot: repo,
      allowTools: true,
      allowScripts: ['scripts/a.sh', 'tools/b.mjs', 'c.py'],
      allowDirty: true,
      allowBehind: true,
      gitBase: 'upstream/release-1.2',
      auditLogPath: '/srv/bastion/tools_audit.log',
      secrets: [],
    });
    expect(loadConfig({ TOOLS_AUDIT_LOG: '/var/log/tools.log' }).tools.auditLogPath).toBe(
      '/var/log/tools.log',
    );
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      ALLOW_TOOLS: 'maybe',
      ALLOW_SCRIPTS: 'ok.sh,../escape.sh',
      GIT_BASE: '--upload-pack=evil',
    });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('ALLOW_TOOLS:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('ALLOW_SCRIPTS:'))).toContain('"../escape.sh"');
    expect(problems.find((p) => p.startsWith('GIT_BASE:'))).toBeDefined();

    expect(problemsOf({ ALLOW_SCRIPTS: '/usr/bin/env.sh' })[0]).toMatch(/^ALLOW_SCRIPTS:/);
    expect(problemsOf({ GIT_BASE: 'main..evil' })[0]).toMatch(/^GIT_BASE:/);
    expect(problemsOf({ REPO_ROOT: join(tempDir(), 'missing') })[0]).toMatch(
      /^REPO_ROOT: .* is not an existing directory$/,
    );
  });
});

describe('tools over HTTP', () => {
  it('are off entirely while no admin key is configured', async () => {
    const server = await startServer({ REPO_ROOT: tempDir() });
    try {
      const client = createBastionClient({ url: server.url });
      const list = await client.tools.list.query().catch((e: unknown) => e);
      expect(errorReason(list)).toBe('admin_disabled');
      const exec = await client.tools.exec
        .mutate({ tool: 'read_file', args: { path: 'README.md' } })
        .catch((e: unknown) => e);
      expect(errorReason(exec)).toBe('admin_disabled');
    } finally {
      await server.stop();
    }
  });

  it('serve an admin key, refuse a user key, and audit under the key id and request id', async () => {
    const repo = tempDir();
    writeFileSync(join(repo, 'README.md'), '# Served over HTTP\n');
    const dataDir = tempDir();
    const server = await startServer({
      REPO_ROOT: repo,
      DATA_DIR: dataDir,
      ADMIN_API_KEYS: `ops:${ADMIN_SECRET}`,
      API_KEYS: `reader:${USER_SECRET}`,
    });
    try {
      const user = createBastionClient({ url: server.url, apiKey: USER_SECRET });
      expect(errorReason(await user.tools.list.query().catch((e: unknown) => e))).toBe(
        'admin_required',
      );

      const admin = createBastionClient({ url: server.url, apiKey: ADMIN_SECRET });
      const catalog = await admin.tools.list.query();
      expect(catalog.repoRoot).toBe(repo);
      const call = await admin.tools.exec.mutate({
        tool: 'read_file',
        args: { path: 'README.md' },
      });
      expect(call).toMatchObject({ tool: 'read_file', result: { content: '# Served over HTTP' } });
      const refused = await admin.tools.exec
        .mutate({ tool: 'read_file', args: { path: '../etc/passwd' } })
        .catch((e: unknown) => e);
      expect(errorReason(refused)).toBe('path_outside_root');

      const auditLog = join(dataDir, 'tools_audit.log');
      const lines = readFileSync(auditLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ requestId: call.requestId, actor: 'ops', ok: true });
      expect(lines[1]).toMatchObject({ actor: 'ops', ok: false, reason: 'path_outside_root' });
      expect(statSync(auditLog).mode & 0o777).toBe(0o600);
    } finally {
      await server.stop();
    }
  });
});

describe('a script run by the server', () => {
  const OPENAI_SECRET = 'sk-proc-environ-secret-0123456789abcdef';

  /** A committed repository holding one script that dumps two environment blocks as hex. */
  function repoWithPeek(): string {
    const repo = tempDir();
    mkdirSync(join(repo, 'scripts'));
    writeFileSync(
      join(repo, 'scripts', 'peek.sh'),
      'for f in /proc/$PPID/environ "/proc/$1/environ"; do od -An -tx1 -v "$f" 2>/dev/null; done\n',
    );
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        stdio: 'ignore',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'peek');
    return repo;
  }

  it("finds no credential in the server's environment (/proc/<pid>/environ, old or new)", async () => {
    const repo = repoWithPeek();
    const dataDir = tempDir();
    const serverTmp = tempDir();
    const child = spawn(process.execPath, [main], {
      env: mainEnv(dataDir, {
        TMPDIR: serverTmp,
        DISABLE_PRIMARY: '1',
        ADMIN_API_KEYS: `ops:${ADMIN_SECRET}`,
        API_KEYS: `reader:${USER_SECRET}`,
        OPENAI_API_KEY: OPENAI_SECRET,
        REPO_ROOT: repo,
        ALLOW_TOOLS: '1',
        ALLOW_SCRIPTS: 'scripts/peek.sh',
        GIT_BASE: 'HEAD',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let output = '';
        const timer = setTimeout(
          () => reject(new Error(`server did not start:\n${output}`)),
          30_000,
        );
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /serving (http:\/\/[\d.:]+)/.exec(output)?.[1];
          if (found) {
            clearTimeout(timer);
            resolveUrl(found);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
      });
      const secrets = [ADMIN_SECRET, USER_SECRET, OPENAI_SECRET];

      // The server's own environment block, as any process of its user may read it.
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'latin1');
      for (const secret of secrets) expect(environ).not.toContain(secret);
      expect(environ).not.toMatch(/API_KEYS|OPENAI_API_KEY/);
      // The handoff file the first image wrote is gone.
      expect(readdirSync(serverTmp)).toEqual([]);

      const admin = createBastionClient({ url, apiKey: ADMIN_SECRET });
      const call = await admin.tools.exec.mutate({
        tool: 'run_script',
        args: { script: 'scripts/peek.sh', args: [String(child.pid)] },
      });
      if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
      const seen = Buffer.from(call.result.stdout.replace(/\s+/g, ''), 'hex').toString('latin1');
      for (const secret of secrets) expect(seen).not.toContain(secret);
    } finally {
      child.kill('SIGKILL');
      for (const dir of [repo, dataDir, serverTmp]) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
