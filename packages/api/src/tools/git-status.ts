import { z } from 'zod';
import { GitError, readRepoState } from './git.ts';
import { refusal } from './refusal.ts';
import { defineTool } from './tool.ts';

export const gitStatusTool = defineTool({
  description:
    'Branch, last commit, porcelain counts (staged, unstaged, untracked, conflicted) and ' +
    'commits ahead/behind GIT_BASE.',
  dangerous: false,
  input: z.strictObject({}),
  async run(_args, env) {
    try {
      return await readRepoState(env.git, env.settings.gitBase);
    } catch (error) {
      if (error instanceof GitError) throw refusal('git_failed', error.message);
      throw error;
    }
  },
});
