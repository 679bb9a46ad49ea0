import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCRIPT_OUTPUT_BYTES } from '../../src/tools/run-script.ts';
import type { ToolRunner } from '../../src/tools/runner.ts';
import {
  caller,
  createSandbox,
  FAKE_AWS_KEY,
  readAudit,
  reasonOf,
  runnerFor,
  type Sandbox,
} from './helpers.ts';

const SCRIPTS = {
  'scripts/echo-args.sh': 'for a in "$@"; do printf "[%s]\\n" "$a"; done\necho "cwd=$(pwd)"\n',
  'scripts/touch.sh': 'touch "$1"\n',
  'scripts/exit3.sh': 'echo failing >&2\nexit 3\n',
  'scripts/env.mjs': 'process.stdout.write(JSON.stringify(process.env));\n',
  'scripts/flood.mjs':
    "process.stdout.write('o'.repeat(5_000_000));\nprocess.stderr.write('e'.repeat(5_000_000));\n",
  // Records its own pid, a child's and a grandchild's, then waits far past any timeout.
  'scripts/tree.sh': [
    'echo $$ > "$1"',
    'sh -c \'echo $$ >> "$1"; sleep 300 & echo $! >> "$1"; wait\' tree "$1" &',
    'sleep 300',
    '',
  ].join('\n'),
  // Exits at once, leaving a background child behind.
  'scripts/leave-child.sh': 'sleep 300 &\necho $! > "$1"\n',
  'scripts/lint.py': 'print("hi")\n',
  'scripts/tool.rb': 'puts 1\n',
};

const PARENT_SECRETS = {
  OPENAI_API_KEY: 'sk-parentsecret0000000000000000000000',
  ADMIN_API_KEYS: 'root:admin-secret-value-123',
  DATABASE_URL: 'postgres://user:pass@db/bastion',
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0) until it is reaped, but it is dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

describe('run_script', () => {
  let sandbox: Sandbox;
  let runner: ToolRunner;

  beforeAll(() => {
    sandbox = createSandbox(SCRIPTS);
    runner = runnerFor(sandbox, {
      allowTools: true,
      allowScripts: Object.keys(SCRIPTS),
      parentEnv: { ...process.env, ...PARENT_SECRETS },
    });
  });

  const run = (args: Record<string, unknown>) => runner.exec('run_script', args, caller());

  it('refuses when ALLOW_TOOLS is off, even for a dry run, and audits it', async () => {
    const off = runnerFor(sandbox, { allowScripts: Object.keys(SCRIPTS) });
    const marker = join(sandbox.base, 'off-marker');
    const args = { script: 'scripts/touch.sh', args: [marker] };
    expect(await reasonOf(off.exec('run_script', args, caller()))).toBe('dangerous_disabled');
    expect(await reasonOf(off.exec('run_script', { ...args, dry_run: true }, caller()))).toBe(
      'dangerous_disabled',
    );
    expect(existsSync(marker)).toBe(false);
    expect(readAudit(sandbox.auditLog).slice(-1)[0]).toMatchObject({
      tool: 'run_script',
      ok: false,
      reason: 'dangerous_disabled',
    });
  });

  it('refuses scripts that are not in ALLOW_SCRIPTS, however the path is spelled', async () => {
    const narrow = runnerFor(sandbox, { allowTools: true, allowScripts: ['scripts/exit3.sh'] });
    const marker = join(sandbox.base, 'not-allowed-marker');
    for (const script of ['scripts/touch.sh', './scripts/touch.sh', 'scripts//touch.sh']) {
      const call = narrow.exec('run_script', { script, args: [marker] }, caller());
      expect(await reasonOf(call)).toBe('script_not_allowed');
    }
    expect(await reasonOf(narrow.exec('run_script', { script: '../x.sh' }, caller()))).toBe(
      'path_outside_root',
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('runs an allowlisted script with an argument vector, never a shell', async () => {
    const marker = join(sandbox.base, 'injected');
    const call = await run({
      script: 'scripts/echo-args.sh',
      args: ['two words', `$(touch ${marker})`, '; touch x', '*'],
    });
    expect(call).toMatchObject({
      tool: 'run_script',
      result: {
        dryRun: false,
        exitCode: 0,
        stdout: `[two words]\n[$(touch ${marker})]\n[; touch x]\n[*]\ncwd=${sandbox.repo}\n`,
      },
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a failing exit code and stderr, and audits the exit code', async () => {
    const call = await run({ script: 'scripts/exit3.sh' });
    expect(call).toMatchObject({ result: { exitCode: 3, stderr: 'failing\n' } });
    expect(readAudit(sandbox.auditLog).slice(-1)[0]).toMatchObject({ ok: true, exitCode: 3 });
  });

  it('dry_run says what would run, runs nothing, and is audited', async () => {
    const marker = join(sandbox.base, 'dry-marker');
    const call = await run({ script: 'scripts/touch.sh', args: [marker], dry_run: true });
    expect(call).toMatchObject({
      result: {
        dryRun: true,
        command: [
          expect.stringMatching(/\/(ba)?sh$/),
          join(sandbox.repo, 'scripts/touch.sh'),
          marker,
        ],
        cwd: sandbox.repo,
      },
    });
    expect(existsSync(marker)).toBe(false);
    expect(readAudit(sandbox.auditLog).slice(-1)[0]).toMatchObject({
      tool: 'run_script',
      ok: true,
      args: { script: 'scripts/touch.sh', dry_run: true },
    });
  });

  it('chooses the interpreter by extension and refuses unknown ones', async () => {
    const interpreterOf = async (script: string) => {
      const call = await run({ script, dry_run: true });
      return call.tool === 'run_script' ? call.result.command : [];
    };
    expect(await interpreterOf('scripts/env.mjs')).toEqual([
      process.execPath,
      join(sandbox.repo, 'scripts/env.mjs'),
    ]);
    expect(await interpreterOf('scripts/lint.py')).toEqual([
      'python3',
      join(sandbox.repo, 'scripts/lint.py'),
    ]);
    expect(await reasonOf(run({ script: 'scripts/tool.rb' }))).toBe('unsupported_script');
  });

  it('passes on a scrubbed environment: no keys from the parent', async () => {
    const call = await run({ script: 'scripts/env.mjs' });
    if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
    const childEnv = JSON.parse(call.result.stdout) as Record<string, string>;
    for (const name of Object.keys(PARENT_SECRETS)) expect(childEnv).not.toHaveProperty(name);
    for (const value of Object.values(PARENT_SECRETS)) {
      expect(call.result.stdout).not.toContain(value);
    }
    expect(childEnv.PATH).toBe(process.env.PATH);
    expect(
      Object.keys(childEnv).every((n) =>
        /^(PATH|HOME|LANG|LC_\w+|TZ|TMPDIR|USER|LOGNAME)$/.test(n),
      ),
    ).toBe(true);
  });

  it('caps huge output and still finishes', async () => {
    const call = await run({ script: 'scripts/flood.mjs' });
    expect(call).toMatchObject({
      result: { exitCode: 0, stdoutTruncated: true, stderrTruncated: true },
    });
    if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
    expect(call.result.stdout).toBe('o'.repeat(MAX_SCRIPT_OUTPUT_BYTES));
    expect(call.result.stderr).toBe('e'.repeat(MAX_SCRIPT_OUTPUT_BYTES));
  });

  it('on timeout kills the script, its child and its grandchild', async () => {
    const pidFile = join(sandbox.base, 'tree-pids');
    const reason = await reasonOf(
      run({ script: 'scripts/tree.sh', args: [pidFile], timeout_ms: 1_500 }),
    );
    expect(reason).toBe('timeout');
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(3);
    expect(await waitUntil(() => pids.every((pid) => !isAlive(pid)), 3_000)).toBe(true);
    expect(readAudit(sandbox.auditLog).slice(-1)[0]).toMatchObject({
      ok: false,
      reason: 'timeout',
    });
  });

  it('leaves no background process behind once the script exits', async () => {
    const pidFile = join(sandbox.base, 'left-pid');
    const call = await run({ script: 'scripts/leave-child.sh', args: [pidFile] });
    expect(call).toMatchObject({ result: { exitCode: 0 } });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(await waitUntil(() => !isAlive(pid), 3_000)).toBe(true);
  });

  it('writes redacted arguments, actor and request id; the log is 0600 and append-only', async () => {
    const requestCaller = {
      requestId: 'req-audit-1',
      actor: { keyId: 'ops', role: 'admin' as const },
    };
    const call = await runner.exec(
      'run_script',
      {
        script: 'scripts/echo-args.sh',
        args: ['--token', 'plain-value-123', `key=${FAKE_AWS_KEY}`], // secret-scan: allow (fake credential)
      },
      requestCaller,
    );
    if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
    expect(call.result.stdout).toContain('[plain-value-123]');
    expect(call.result.stdout).not.toContain(FAKE_AWS_KEY);

    const entry = readAudit(sandbox.auditLog).slice(-1)[0];
    expect(entry).toMatchObject({
      requestId: 'req-audit-1',
      actor: 'ops',
      role: 'admin',
      tool: 'run_script',
      ok: true,
      exitCode: 0,
      args: {
        script: 'scripts/echo-args.sh',
        args: ['--token', '[redacted]', expect.not.stringContaining(FAKE_AWS_KEY)],
      },
    });
    expect(new Date(entry?.ts ?? '').toISOString()).toBe(entry?.ts);
    expect(entry?.durationMs).toBeGreaterThanOrEqual(0);
    const log = readFileSync(sandbox.auditLog, 'utf8');
    expect(log).not.toContain('plain-value-123');
    expect(log).not.toContain(FAKE_AWS_KEY);
    expect(statSync(sandbox.auditLog).mode & 0o777).toBe(0o600);

    const before = readAudit(sandbox.auditLog).length;
    await Promise.all(
      Array.from({ length: 20 }, () => run({ script: 'scripts/exit3.sh', dry_run: true })),
    );
    const after = readAudit(sandbox.auditLog);
    expect(after).toHaveLength(before + 20);
  });

  it('runs nothing dangerous when the audit log cannot be written', async () => {
    const unwritable = runnerFor(sandbox, {
      allowTools: true,
      allowScripts: ['scripts/touch.sh'],
      auditLogPath: sandbox.base, // a directory
    });
    const marker = join(sandbox.base, 'unaudited-marker');
    const call = unwritable.exec(
      'run_script',
      { script: 'scripts/touch.sh', args: [marker] },
      caller(),
    );
    expect(await reasonOf(call)).toBe('audit_unavailable');
    expect(existsSync(marker)).toBe(false);
  });
});
