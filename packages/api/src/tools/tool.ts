import type { z } from 'zod';
import type { GitTarget, RepoState } from './git.ts';
import type { PreflightPolicy } from './preflight.ts';

/** How the host configured tools (from REPO_ROOT, ALLOW_TOOLS, ALLOW_SCRIPTS, …). */
export interface ToolSettings extends PreflightPolicy {
  repoRoot: string;
  /** ALLOW_TOOLS: dangerous tools refuse unless it is set. */
  allowTools: boolean;
  /** ALLOW_SCRIPTS: normalised relative paths of the scripts run_script may run. */
  allowScripts: readonly string[];
  auditLogPath: string;
  /** The git executable (default `git`, found on PATH). */
  gitBinary?: string;
  /** The environment child processes are scrubbed from (default `process.env`). */
  parentEnv?: NodeJS.ProcessEnv;
  /** Configured secret values (API keys, provider keys…): redacted from output and the audit. */
  secrets?: readonly string[];
}

/** What a tool gets to work with. */
export interface ToolEnv {
  /** Real path of REPO_ROOT. */
  root: string;
  settings: ToolSettings;
  git: GitTarget;
  /** Secret redaction applied to text a tool returns. */
  redact: (text: string) => string;
  /** The git pre-flight (fails closed); a dangerous tool calls it before it acts. */
  preflight: () => Promise<RepoState>;
}

export interface ToolDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  description: string;
  /** Dangerous tools refuse unless ALLOW_TOOLS is set, and call `env.preflight()` before acting. */
  dangerous: boolean;
  input: S;
  run: (args: z.output<S>, env: ToolEnv) => Promise<R>;
}

export function defineTool<S extends z.ZodType, R>(tool: ToolDefinition<S, R>) {
  return tool;
}
