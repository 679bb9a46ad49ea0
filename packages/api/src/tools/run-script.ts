import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditArgs } from './audit.ts';
import { interpreterFor } from './interpreters.ts';
import { namespacePrefix } from './isolation.ts';
import { type ProcessResult, runProcess } from './process.ts';
import { refusal } from './refusal.ts';
import { checkRelativePath, resolveInRoot, toolPath } from './safe-path.ts';
import { scrubbedEnv } from './scrubbed-env.ts';
import { defineTool } from './tool.ts';

/** Per stream; the rest of the output is read and dropped. */
export const MAX_SCRIPT_OUTPUT_BYTES = 256 * 1024;

const argument = z
  .string()
  .max(4096)
  .refine((s) => !s.includes('\0'), 'arguments may not contain NUL');

const input = z.strictObject({
  script: toolPath.describe('Script path relative to the repository root'),
  args: z.array(argument).max(64).default([]).describe('Arguments, passed as-is (no shell)'),
  dry_run: z.boolean().default(false).describe('Report what would run, run nothing'),
  timeout_ms: z.int().min(100).max(600_000).default(60_000),
});

export const runScriptTool = defineTool({
  description:
    'Run an allowlisted script (ALLOW_SCRIPTS) without a shell, after the git pre-flight, with a ' +
    'timeout, capped output and a scrubbed environment.',
  dangerous: true,
  input,
  async run(args, env) {
    const script = checkRelativePath(args.script);
    if (!env.settings.allowScripts.includes(script)) {
      throw refusal('script_not_allowed', `${script} is not listed in ALLOW_SCRIPTS`);
    }
    const { real } = await resolveInRoot(env.root, script);
    const interpreter = interpreterFor(real);
    await env.preflight();

    const command = [interpreter, real, ...args.args];
    // What the caller is shown of the command passes the audit log's redaction: an argument may
    // carry a credential (`--password=…`, a configured key).
    const shown = auditArgs(command, env.redact) as string[];
    const run = randomUUID();
    const childEnv = scrubbedEnv(env.settings.parentEnv ?? process.env, { BASTION_TOOL_RUN: run });
    if (args.dry_run) {
      return {
        dryRun: true as const,
        command: shown,
        cwd: env.root,
        envNames: Object.keys(childEnv).sort(),
        timeoutMs: args.timeout_ms,
      };
    }

    // In its own PID namespace where the system allows one: the script cannot see the server's
    // processes, and nothing it starts outlives it.
    const isolated = [...((await namespacePrefix()) ?? []), ...command];
    let result: ProcessResult;
    try {
      result = await runProcess({
        command: isolated[0] as string,
        args: isolated.slice(1),
        cwd: env.root,
        env: childEnv,
        timeoutMs: args.timeout_ms,
        maxOutputBytes: MAX_SCRIPT_OUTPUT_BYTES,
        marker: `BASTION_TOOL_RUN=${run}`,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw refusal('tool_failed', `${interpreter} could not be started (${code})`);
    }
    if (result.timedOut) {
      throw refusal(
        'timeout',
        `${script} did not finish within ${args.timeout_ms} ms; every process it started was killed`,
      );
    }
    return {
      dryRun: false as const,
      command: shown,
      exitCode: result.exitCode,
      signal: result.signal,
      stdout: env.redact(result.stdout),
      stderr: env.redact(result.stderr),
      stdoutTruncated: result.stdoutTruncated,
      stderrTruncated: result.stderrTruncated,
      durationMs: result.durationMs,
    };
  },
});
