import { type GitTarget, type RepoState, readRepoState } from './git.ts';
import { refusal } from './refusal.ts';

export interface PreflightPolicy {
  gitBase: string;
  allowDirty: boolean;
  allowBehind: boolean;
}

/**
 * Decides whether a dangerous tool may run in this worktree. Fails closed: if git cannot say
 * what state the repository is in (missing binary, not a repository, unknown base ref), it blocks.
 */
export async function preflight(target: GitTarget, policy: PreflightPolicy): Promise<RepoState> {
  let state: RepoState;
  try {
    state = await readRepoState(target, policy.gitBase);
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unknown error';
    throw refusal('preflight_failed', `Pre-flight could not read the repository: ${detail}`);
  }
  if ('error' in state.base) {
    throw refusal(
      'preflight_failed',
      `Pre-flight could not compare with ${state.base.ref}: ${state.base.error}`,
    );
  }
  if (state.dirty && !policy.allowDirty) {
    const { staged, unstaged, untracked, conflicted } = state.counts;
    throw refusal(
      'repo_dirty',
      `The worktree is dirty (${staged} staged, ${unstaged} unstaged, ${untracked} untracked, ` +
        `${conflicted} conflicted); set ALLOW_DIRTY_TOOLS=1 to run anyway`,
    );
  }
  if (state.base.behind > 0 && !policy.allowBehind) {
    throw refusal(
      'repo_behind',
      `HEAD is ${state.base.behind} commit(s) behind ${state.base.ref}; ` +
        'set ALLOW_BEHIND_TOOLS=1 to run anyway',
    );
  }
  return state;
}
