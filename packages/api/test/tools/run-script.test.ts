import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  // A child and a grandchild that sleep for $1 seconds (a value unique to the test, so they can
  // be found in /proc), while the script itself waits far past any timeout.
  'scripts/tree.sh': 'sh -c \'sleep "$1" & wait\' tree "$1" &\nsleep "$1"\n',
  // Escapes its process group and session: setsid, a double fork, nohup; then waits.
  'scripts/escape.sh': [
    'setsid sleep "$1" &',
    '(sleep "$1" &) &',
    'nohup sleep "$1" >/dev/null 2>&1 &',
    'sleep "$1"',
    '',
  ].join('\n'),
  // Exits at once, leaving a background child, a new session and a double-forked one behind.
  'scripts/leave-child.sh': 'sleep "$1" &\nsetsid sleep "$1" &\n(sleep "$1" &) &\n',
  // Prints the environment blocks of its parent and of the pid in $1, as hex.
  'scripts/peek.sh':
    'for f in /proc/$PPID/environ "/proc/$1/environ"; do od -An -tx1 -v "$f"; done\n',
  'scripts/lint.py': 'print("hi")\n',
  'scripts/tool.rb': 'puts 1\n',
};

/** A secret the server configures (an API key's secret): never in output or the audit log. */
const CONFIGURED_SECRET = 'srv-key-secret-4f9a1c'; // secret-scan: allow

const PARENT_SECRETS = {
  OPENAI_API_KEY: 'sk-parentsecret0000000000000000000000',
  ADMIN_API_KEYS: 'root:admin-secret-value-123',
  DATABASE_URL: 'postgres://user:pass@db/bastion',
};

/** Live (not zombie) processes, anywhere on the machine, whose command line holds `token`. */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.split('\0').includes(token) && state !== 'Z' && state !== 'X') {
        found.push(Number(name));
      }
    } catch {
      // It exited meanwhile.
    }
  }
  return found;
}

/** The most processes holding `token` seen at once while `running` was pending. */
async function mostSeen(token: string, running: Promise<unknown>): Promise<number> {
  let settled = false;
  const done = running.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let most = 0;
  while (!settled) {
    most = Math.max(most, processesWith(token).length);
    await sleep(25);
  }
  await done;
  return most;
}

let sleeps = 0;
/** A sleep duration no other process uses, so its sleepers can be found (and counted). */
function uniqueSleep(): string {
  sleeps++;
  return `300.${process.pid}${sleeps}`;
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
      secrets: [CONFIGURED_SECRET],
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

  it('shows the command with credential-shaped arguments and configured secrets redacted', async () => {
    const call = await run({
      script: 'scripts/env.mjs',
      dry_run: true,
      args: ['--password=hunter2-hunter2', '--token', 'tok-0123456789abcdef', CONFIGURED_SECRET],
    });
    const shown = JSON.stringify(call.tool === 'run_script' ? call.result.command : null);
    expect(shown).toContain('scripts/env.mjs');
    for (const secret of ['hunter2-hunter2', 'tok-0123456789abcdef', CONFIGURED_SECRET]) {
      expect(shown).not.toContain(secret);
    }
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
        /^(PATH|HOME|LANG|LC_\w+|TZ|TMPDIR|USER|LOGNAME|BASTION_TOOL_RUN)$/.test(n),
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
    const seconds = uniqueSleep();
    const running = run({ script: 'scripts/tree.sh', args: [seconds], timeout_ms: 3_000 });
    const reason = reasonOf(running);
    expect(await mostSeen(seconds, reason)).toBeGreaterThanOrEqual(3);
    expect(await reason).toBe('timeout');
    expect(await waitUntil(() => processesWith(seconds).length === 0, 3_000)).toBe(true);
    expect(readAudit(sandbox.auditLog).slice(-1)[0]).toMatchObject({
      ok: false,
      reason: 'timeout',
    });
  });

  it('on timeout kills what escaped its group and session (setsid, double fork, nohup)', async () => {
    const seconds = uniqueSleep();
    const running = run({ script: 'scripts/escape.sh', args: [seconds], timeout_ms: 3_000 });
    const reason = reasonOf(running);
    expect(await mostSeen(seconds, reason)).toBeGreaterThanOrEqual(5);
    expect(await reason).toBe('timeout');
    expect(await waitUntil(() => processesWith(seconds).length === 0, 3_000)).toBe(true);
  });

  it('leaves no background process behind once the script exits, escaped ones included', async () => {
    const seconds = uniqueSleep();
    const call = await run({ script: 'scripts/leave-child.sh', args: [seconds] });
    expect(call).toMatchObject({ result: { exitCode: 0 } });
    expect(await waitUntil(() => processesWith(seconds).length === 0, 3_000)).toBe(true);
  });

  it("cannot read the server's environment through /proc", async () => {
    const secret = `proc-secret-${process.pid}-value`; // secret-scan: allow
    process.env.BASTION_TEST_PROC_SECRET = secret;
    try {
      const call = await run({ script: 'scripts/peek.sh', args: [String(process.pid)] });
      if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
      const bytes = Buffer.from(call.result.stdout.replace(/\s+/g, ''), 'hex').toString('latin1');
      // This process is the parent or the named pid; its environment must stay out of reach.
      expect(bytes).not.toContain(secret);
      expect(bytes).not.toContain('BASTION_TEST_PROC_SECRET');
    } finally {
      delete process.env.BASTION_TEST_PROC_SECRET;
    }
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
    expect(call.result.stdout).toContain('[--token]');
    expect(call.result.stdout).not.toContain('plain-value-123');
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

  it('redacts configured secrets by value and credential-shaped arguments, in output and audit', async () => {
    const args = [
      '--password=hunter2-pass', // secret-scan: allow
      '-pmysql-pass-77',
      'postgres://app:db-pass-88@db.internal/bastion', // secret-scan: allow
      '--api-token',
      'tok-99-plain',
      `x${CONFIGURED_SECRET}y`,
      'PGPASSWORD=pg-pass-66',
    ];
    const call = await run({ script: 'scripts/echo-args.sh', args });
    if (call.tool !== 'run_script' || call.result.dryRun) throw new Error('expected a run');
    const log = readFileSync(sandbox.auditLog, 'utf8').split('\n').slice(-2).join('\n');
    for (const text of [call.result.stdout, log]) {
      for (const secret of [
        'hunter2-pass',
        'mysql-pass-77',
        'db-pass-88',
        'tok-99-plain',
        CONFIGURED_SECRET,
        'pg-pass-66',
      ]) {
        expect(text).not.toContain(secret);
      }
      // What is not secret stays readable.
      expect(text).toContain('--password=');
      expect(text).toContain('postgres://app:');
      expect(text).toContain('@db.internal/bastion');
      expect(text).toContain('--api-token');
    }
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
