import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Real git repositories for tests of the repository tools (api, web and e2e tests share it).

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...GIT_IDENTITY },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export interface Sandbox {
  /** Holds everything below; nothing else is touched. */
  base: string;
  /** A clone of `remote` on branch main, in sync with origin/main. */
  repo: string;
  /** The bare remote. */
  remote: string;
  /** A directory beside the repository with a file no tool may read. */
  outside: string;
  /** The secret's content: no tool response may ever contain it. */
  canary: string;
  auditLog: string;
  /** Pushes a commit to the remote from another clone and fetches it: `repo` is then behind. */
  fallBehind: () => void;
}

/** A real git repository with a bare remote, plus a secret outside it, in a fresh temp dir. */
export function createSandbox(files: Record<string, string> = {}): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'bastion-tools-'));
  const remote = join(base, 'remote.git');
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
  writeFile(join(outside, 'secret.txt'), `${canary}\n`);

  git(base, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(base, 'init', '--quiet', '--initial-branch=main', repo);
  git(repo, 'remote', 'add', 'origin', remote);
  writeFile(join(repo, 'README.md'), '# Sample\n\nHello tools.\n');
  for (const [path, content] of Object.entries(files)) writeFile(join(repo, path), content);
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'initial');
  git(repo, 'push', '--quiet', 'origin', 'main');

  let pushes = 0;
  return {
    base,
    repo,
    remote,
    outside,
    canary,
    auditLog: join(base, 'audit', 'tools_audit.log'),
    fallBehind() {
      const other = join(base, `other-${pushes++}`);
      git(base, 'clone', '--quiet', remote, other);
      writeFile(join(other, `upstream-${pushes}.txt`), 'from upstream\n');
      git(other, 'add', '-A');
      git(other, 'commit', '--quiet', '-m', 'upstream change');
      git(other, 'push', '--quiet', 'origin', 'main');
      git(repo, 'fetch', '--quiet', 'origin');
    },
  };
}
