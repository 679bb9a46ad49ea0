import { realpathSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Actor } from '../context.ts';
import { reasonOf } from '../errors.ts';
import { type AuditEntry, AuditLog, auditArgs } from './audit.ts';
import type { GitTarget } from './git.ts';
import { gitStatusTool } from './git-status.ts';
import { listDirTool } from './list-dir.ts';
import { preflight } from './preflight.ts';
import { readFileTool } from './read-file.ts';
import { toolRedactor } from './redact.ts';
import { refusal } from './refusal.ts';
import { runScriptTool } from './run-script.ts';
import { checkRelativePath } from './safe-path.ts';
import { searchRepoTool } from './search-repo.ts';
import type { ToolDefinition, ToolEnv, ToolSettings } from './tool.ts';

export const TOOLS = {
  read_file: readFileTool,
  list_dir: listDirTool,
  search_repo: searchRepoTool,
  git_status: gitStatusTool,
  run_script: runScriptTool,
};

export type ToolName = keyof typeof TOOLS;

/** A tool's result, tagged with the tool's name so clients can narrow on it. */
export type ToolResult = {
  [K in ToolName]: { tool: K; result: Awaited<ReturnType<(typeof TOOLS)[K]['run']>> };
}[ToolName];

export type ToolCallResult = ToolResult & { requestId: string; durationMs: number };

export interface ToolInfo {
  name: ToolName;
  description: string;
  dangerous: boolean;
  /** False for dangerous tools while ALLOW_TOOLS is off. */
  enabled: boolean;
  /** JSON Schema (draft 2020-12) of the tool's `args`. */
  inputSchema: Record<string, unknown>;
}

export interface ToolCatalog {
  tools: ToolInfo[];
  repoRoot: string;
  allowTools: boolean;
  allowScripts: string[];
  allowDirty: boolean;
  allowBehind: boolean;
  gitBase: string;
}

export interface ToolCaller {
  requestId: string;
  actor: Actor;
}

export interface ToolRunner {
  list(): ToolCatalog;
  /** Validates, runs and audits one call; refusals are tRPC errors with a stable reason. */
  exec(tool: string, args: unknown, caller: ToolCaller): Promise<ToolCallResult>;
}

const toolNames = Object.keys(TOOLS) as ToolName[];

const inputSchemas = {} as Record<ToolName, Record<string, unknown>>;
for (const name of toolNames) {
  inputSchemas[name] = z.toJSONSchema(TOOLS[name].input, { io: 'input' }) as Record<
    string,
    unknown
  >;
}

function toolNamed(name: string): ToolDefinition {
  if (!Object.hasOwn(TOOLS, name)) {
    throw refusal('unknown_tool', `No tool named ${JSON.stringify(name)}`);
  }
  return TOOLS[name as ToolName] as ToolDefinition;
}

function validArgs(tool: ToolDefinition, name: string, args: unknown): unknown {
  const parsed = tool.input.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'args'}: ${issue.message}`);
  throw refusal('invalid_args', `Invalid arguments for ${name}: ${problems.join('; ')}`);
}

function exitCodeOf(result: unknown): { exitCode?: number | null } {
  return typeof result === 'object' && result !== null && 'exitCode' in result
    ? { exitCode: result.exitCode as number | null }
    : {};
}

/** Builds the tool service from settings; REPO_ROOT must exist. */
export function createToolRunner(settings: ToolSettings): ToolRunner {
  const root = realpathSync(settings.repoRoot);
  const normalised: ToolSettings = {
    ...settings,
    repoRoot: root,
    allowScripts: settings.allowScripts.map(checkRelativePath),
  };
  const redact = toolRedactor(settings.secrets ?? []);
  const git: GitTarget = {
    root,
    binary: settings.gitBinary ?? 'git',
    parentEnv: settings.parentEnv ?? process.env,
  };
  const env: ToolEnv = {
    root,
    settings: normalised,
    git,
    redact,
    preflight: () => preflight(git, normalised),
  };
  const audit = new AuditLog(settings.auditLogPath);

  async function run(name: string, rawArgs: unknown): Promise<unknown> {
    const tool = toolNamed(name);
    const args = validArgs(tool, name, rawArgs);
    if (tool.dangerous) {
      if (!normalised.allowTools) {
        throw refusal('dangerous_disabled', `${name} is dangerous and ALLOW_TOOLS is off`);
      }
      // Nothing dangerous runs unless its audit line can be written.
      await audit.ensureWritable().catch(() => {
        throw refusal('audit_unavailable', 'The tools audit log cannot be written');
      });
    }
    return tool.run(args, env);
  }

  return {
    list: () => ({
      tools: toolNames.map((name) => ({
        name,
        description: TOOLS[name].description,
        dangerous: TOOLS[name].dangerous,
        enabled: !TOOLS[name].dangerous || normalised.allowTools,
        inputSchema: inputSchemas[name],
      })),
      repoRoot: root,
      allowTools: normalised.allowTools,
      allowScripts: [...normalised.allowScripts],
      allowDirty: normalised.allowDirty,
      allowBehind: normalised.allowBehind,
      gitBase: normalised.gitBase,
    }),

    async exec(name, rawArgs, caller) {
      const ts = new Date().toISOString();
      const started = performance.now();
      const record = (outcome: Pick<AuditEntry, 'ok' | 'exitCode' | 'reason'>) => {
        const durationMs = Math.round(performance.now() - started);
        const entry: AuditEntry = {
          ts,
          requestId: caller.requestId,
          actor: caller.actor.keyId,
          role: caller.actor.role,
          tool: name.slice(0, 64),
          args: auditArgs(rawArgs ?? {}, redact),
          durationMs,
          ...outcome,
        };
        return audit.append(entry).then(
          () => durationMs,
          () => {
            throw refusal('audit_unavailable', 'The tools audit log cannot be written');
          },
        );
      };

      let result: unknown;
      try {
        result = await run(name, rawArgs);
      } catch (error) {
        await record({
          ok: false,
          reason: error instanceof TRPCError ? reasonOf(error) : 'internal_error',
        });
        throw error;
      }
      const durationMs = await record({ ok: true, ...exitCodeOf(result) });
      return { tool: name, result, requestId: caller.requestId, durationMs } as ToolCallResult;
    },
  };
}
