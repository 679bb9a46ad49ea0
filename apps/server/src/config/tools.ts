import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseScriptList, type ToolSettings } from '@bastion/api';
import { z } from 'zod';
import { baseSection } from './base.ts';
import { defineSection, envFlag } from './section.ts';

const scriptList = z
  .string()
  .max(8192)
  .default('')
  .transform((list, ctx) => {
    try {
      return parseScriptList(list);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `bad entry ${(error as Error).message}` });
      return z.NEVER;
    }
  });

/** A ref git can compare with; never an option (`-…`) or a range (`a..b`). */
const gitRef = z
  .string()
  .regex(
    /^(?!-)(?!.*\.\.)[\w./@{}^~-]{1,255}$/,
    'must be a git ref such as origin/main (no leading "-", no "..")',
  );

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export const toolsSection = defineSection(
  {
    DATA_DIR: baseSection.shape.DATA_DIR,
    REPO_ROOT: z.string().min(1).optional(),
    ALLOW_TOOLS: envFlag(false),
    ALLOW_SCRIPTS: scriptList,
    ALLOW_DIRTY_TOOLS: envFlag(false),
    ALLOW_BEHIND_TOOLS: envFlag(false),
    GIT_BASE: gitRef.default('origin/main'),
    TOOLS_AUDIT_LOG: z.string().min(1).optional(),
  },
  (e, problem): ToolSettings => {
    const repoRoot = resolve(e.REPO_ROOT ?? '.');
    if (!isDirectory(repoRoot)) problem('REPO_ROOT', `${repoRoot} is not an existing directory`);
    return {
      repoRoot,
      allowTools: e.ALLOW_TOOLS,
      allowScripts: e.ALLOW_SCRIPTS,
      allowDirty: e.ALLOW_DIRTY_TOOLS,
      allowBehind: e.ALLOW_BEHIND_TOOLS,
      gitBase: e.GIT_BASE,
      auditLogPath: resolve(e.TOOLS_AUDIT_LOG ?? join(resolve(e.DATA_DIR), 'tools_audit.log')),
    };
  },
);
