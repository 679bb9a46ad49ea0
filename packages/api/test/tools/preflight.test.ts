import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  caller,
  createSandbox,
  git,
  readAudit,
  reasonOf,
  runnerFor,
  type Sandbox,
  writeFile,
} from './helpers.ts';

const SCRIPT = 'scripts/hello.sh';

function dryRun(sandbox: Sandbox, settings: Parameters<typeof runnerFor>[1] = {}) {
  const runner = runnerFor(sandbox, { allowTools: true, allowScripts: [SCRIPT], ...settings });
  return runner.exec('run_script', { script: SCRIPT, dry_run: true }, caller());
}

describe('git pre-flight for dangerous tools', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = createSandbox({ [SCRIPT]: 'echo hello\n' });
  });

  it('lets a clean worktree in sync with GIT_BASE through', async () => {
    const call = await dryRun(sandbox);
    expect(call).toMatchObject({ tool: 'run_script', result: { dryRun: true } });
  });

  it('blocks a worktree with a modified tracked file unless ALLOW_DIRTY_TOOLS', async () => {
    writeFile(join(sandbox.repo, 'README.md'), 'changed\n');
    expect(await reasonOf(dryRun(sandbox))).toBe('repo_dirty');
    expect(await dryRun(sandbox, { allowDirty: true })).toMatchObject({ result: { dryRun: true } });
  });

  it('counts staged and untracked files as dirty too', async () => {
    writeFile(join(sandbox.repo, 'new.txt'), 'untracked\n');
    expect(await reasonOf(dryRun(sandbox))).toBe('repo_dirty');
    git(sandbox.repo, 'add', 'new.txt');
    expect(await reasonOf(dryRun(sandbox))).toBe('repo_dirty');
  });

  it("cannot be talked out of seeing untracked files by the repository's own config", async () => {
    git(sandbox.repo, 'config', 'status.showUntrackedFiles', 'no');
    writeFile(join(sandbox.repo, 'hidden.txt'), 'untracked\n');
    expect(await reasonOf(dryRun(sandbox))).toBe('repo_dirty');
  });

  it('blocks when HEAD is behind GIT_BASE unless ALLOW_BEHIND_TOOLS', async () => {
    sandbox.fallBehind();
    expect(await reasonOf(dryRun(sandbox))).toBe('repo_behind');
    expect(await dryRun(sandbox, { allowBehind: true })).toMatchObject({
      result: { dryRun: true },
    });
  });

  it('does not block local commits that are only ahead of GIT_BASE', async () => {
    writeFile(join(sandbox.repo, 'local.txt'), 'local\n');
    git(sandbox.repo, 'add', '-A');
    git(sandbox.repo, 'commit', '--quiet', '-m', 'local work');
    expect(await dryRun(sandbox)).toMatchObject({ result: { dryRun: true } });
  });

  it('fails closed when the git binary is missing', async () => {
    const missing = join(sandbox.base, 'no-such-git');
    expect(await reasonOf(dryRun(sandbox, { gitBinary: missing }))).toBe('preflight_failed');
  });

  it('fails closed when git itself errors', async () => {
    const failing = join(sandbox.base, 'failing-git');
    writeFile(failing, '#!/bin/sh\necho "fatal: simulated failure" >&2\nexit 128\n');
    chmodSync(failing, 0o755);
    expect(await reasonOf(dryRun(sandbox, { gitBinary: failing }))).toBe('preflight_failed');
  });

  it('fails closed when REPO_ROOT is not a git repository', async () => {
    rmSync(join(sandbox.repo, '.git'), { recursive: true, force: true });
    expect(await reasonOf(dryRun(sandbox))).toBe('preflight_failed');
  });

  it('fails closed when GIT_BASE does not name a commit', async () => {
    expect(await reasonOf(dryRun(sandbox, { gitBase: 'origin/no-such-branch' }))).toBe(
      'preflight_failed',
    );
  });

  it('audits blocked calls with their reason', async () => {
    sandbox.fallBehind();
    await reasonOf(dryRun(sandbox));
    const [entry] = readAudit(sandbox.auditLog);
    expect(entry).toMatchObject({ tool: 'run_script', ok: false, reason: 'repo_behind' });
  });
});

describe('git_status', () => {
  it('reports branch, last commit, porcelain counts and ahead/behind GIT_BASE', async () => {
    const sandbox = createSandbox({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    sandbox.fallBehind();
    writeFile(join(sandbox.repo, 'a.txt'), 'changed\n');
    writeFile(join(sandbox.repo, 'b.txt'), 'staged\n');
    git(sandbox.repo, 'add', 'b.txt');
    writeFile(join(sandbox.repo, 'c.txt'), 'new\n');
    const head = git(sandbox.repo, 'rev-parse', 'HEAD').trim();

    const call = await runnerFor(sandbox).exec('git_status', {}, caller());
    expect(call).toMatchObject({
      tool: 'git_status',
      result: {
        branch: 'main',
        head: { sha: head, subject: 'initial' },
        counts: { staged: 1, unstaged: 1, untracked: 1, conflicted: 0 },
        dirty: true,
        base: { ref: 'origin/main', ahead: 0, behind: 1 },
      },
    });
  });

  it('counts a rename once, as staged', async () => {
    const sandbox = createSandbox({ 'old-name.txt': 'x\n' });
    git(sandbox.repo, 'mv', 'old-name.txt', 'new-name.txt');
    const call = await runnerFor(sandbox).exec('git_status', {}, caller());
    expect(call).toMatchObject({
      result: { counts: { staged: 1, unstaged: 0, untracked: 0, conflicted: 0 } },
    });
  });

  it('is a typed refusal, not a crash, when git cannot run', async () => {
    const sandbox = createSandbox();
    const runner = runnerFor(sandbox, { gitBinary: join(sandbox.base, 'no-such-git') });
    expect(await reasonOf(runner.exec('git_status', {}, caller()))).toBe('git_failed');
  });

  it('reports a repository without commits and a detached HEAD', async () => {
    const sandbox = createSandbox();
    const empty = join(sandbox.base, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '--quiet', '--initial-branch=trunk');
    const fresh = await runnerFor(sandbox, { repoRoot: empty }).exec('git_status', {}, caller());
    expect(fresh).toMatchObject({ result: { branch: 'trunk', head: null, dirty: false } });

    git(sandbox.repo, 'checkout', '--quiet', '--detach');
    const detached = await runnerFor(sandbox).exec('git_status', {}, caller());
    expect(detached).toMatchObject({ result: { branch: null, base: { ahead: 0, behind: 0 } } });
  });
});
