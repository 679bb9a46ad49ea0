import { runProcess } from './process.ts';
import { scrubbedEnv } from './scrubbed-env.ts';

export interface GitTarget {
  /** Working directory for git (the repository root). */
  root: string;
  /** The git executable. */
  binary: string;
  /** Environment to scrub before passing it to git. */
  parentEnv: NodeJS.ProcessEnv;
}

export interface RepoState {
  /** Null when HEAD is detached. */
  branch: string | null;
  /** Null before the first commit. */
  head: { sha: string; subject: string; date: string } | null;
  counts: { staged: number; unstaged: number; untracked: number; conflicted: number };
  dirty: boolean;
  /** How HEAD compares with the base ref, or why it could not be compared. */
  base: { ref: string; ahead: number; behind: number } | { ref: string; error: string };
}

export class GitError extends Error {
  override name = 'GitError';
}

const GIT_TIMEOUT_MS = 10_000;
const GIT_MAX_OUTPUT = 4 * 1024 * 1024;

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200);
}

/** Runs git read-only: no prompts, no optional locks, no fsmonitor hook from the repo's config. */
export async function git(target: GitTarget, args: readonly string[]): Promise<string> {
  const env = scrubbedEnv(target.parentEnv, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
  });
  let result: Awaited<ReturnType<typeof runProcess>>;
  try {
    result = await runProcess({
      command: target.binary,
      args: ['-c', 'core.fsmonitor=false', ...args],
      cwd: target.root,
      env,
      timeoutMs: GIT_TIMEOUT_MS,
      maxOutputBytes: GIT_MAX_OUTPUT,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new GitError(`git could not be started (${code})`);
  }
  if (result.timedOut) throw new GitError(`git ${args[0]} timed out`);
  if (result.exitCode !== 0) {
    throw new GitError(firstLine(result.stderr) || `git ${args[0]} exited with ${result.exitCode}`);
  }
  if (result.stdoutTruncated) throw new GitError(`git ${args[0]} produced too much output`);
  return result.stdout;
}

interface WorktreeStatus {
  oid: string | null;
  branch: string | null;
  counts: RepoState['counts'];
}

/** Parses `git status --porcelain=v2 --branch -z`. */
export function parseStatus(output: string): WorktreeStatus {
  const status: WorktreeStatus = {
    oid: null,
    branch: null,
    counts: { staged: 0, unstaged: 0, untracked: 0, conflicted: 0 },
  };
  const records = output.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i] ?? '';
    if (record.startsWith('# branch.oid ')) {
      const oid = record.slice('# branch.oid '.length);
      status.oid = oid === '(initial)' ? null : oid;
    } else if (record.startsWith('# branch.head ')) {
      const head = record.slice('# branch.head '.length);
      status.branch = head === '(detached)' ? null : head;
    } else if (record.startsWith('1 ') || record.startsWith('2 ')) {
      if (record[2] !== '.') status.counts.staged++;
      if (record[3] !== '.') status.counts.unstaged++;
      // A rename or copy record is followed by its original path.
      if (record.startsWith('2 ')) i++;
    } else if (record.startsWith('u ')) {
      status.counts.conflicted++;
    } else if (record.startsWith('? ')) {
      status.counts.untracked++;
    }
  }
  return status;
}

async function lastCommit(target: GitTarget): Promise<RepoState['head']> {
  const out = await git(target, ['log', '-1', '--format=%H%x00%s%x00%cI']);
  const [sha = '', subject = '', date = ''] = out.trimEnd().split('\0');
  return { sha, subject, date };
}

async function compareWithBase(target: GitTarget, ref: string): Promise<RepoState['base']> {
  try {
    const out = await git(target, [
      'rev-list',
      '--left-right',
      '--count',
      '--end-of-options',
      `HEAD...${ref}`,
    ]);
    const [ahead, behind] = out.trim().split(/\s+/).map(Number);
    if (!Number.isInteger(ahead) || !Number.isInteger(behind)) {
      return { ref, error: 'unexpected output from git rev-list' };
    }
    return { ref, ahead: ahead as number, behind: behind as number };
  } catch (error) {
    if (error instanceof GitError) return { ref, error: error.message };
    throw error;
  }
}

/** Branch, last commit, porcelain counts and ahead/behind `baseRef`. Throws GitError if git fails. */
export async function readRepoState(target: GitTarget, baseRef: string): Promise<RepoState> {
  // Explicit flags, so the repository's own config cannot hide untracked files or submodules.
  const status = parseStatus(
    await git(target, [
      'status',
      '--porcelain=v2',
      '--branch',
      '-z',
      '--untracked-files=normal',
      '--ignore-submodules=none',
    ]),
  );
  const { staged, unstaged, untracked, conflicted } = status.counts;
  const head = status.oid === null ? null : await lastCommit(target);
  const base =
    head === null
      ? { ref: baseRef, error: 'the repository has no commits yet' }
      : await compareWithBase(target, baseRef);
  return {
    branch: status.branch,
    head,
    counts: status.counts,
    dirty: staged + unstaged + untracked + conflicted > 0,
    base,
  };
}
