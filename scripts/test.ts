// `npm test`: system prerequisites, then lint, typecheck, unit/integration and e2e through turbo,
// then one closing line `N passed, N failed` summed over every runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyAudit } from './audit-deps.ts';
import { SKIPPED } from './containers/engine.ts';
import { watchLeftovers } from './leftovers.ts';

const root = new URL('..', import.meta.url).pathname;

/** Debian packages the suite drives for real, with the binary each provides. */
const systemPackages = [
  { name: 'chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  { name: 'nginx', binary: process.env.NGINX_PATH ?? '/usr/sbin/nginx' },
  // The edge specs make a throwaway test CA with the openssl CLI.
  { name: 'openssl', binary: '/usr/bin/openssl' },
  // The cross-browser smoke spec: Firefox ESR, and WebKitGTK's WebDriver in a virtual display.
  { name: 'firefox-esr', binary: '/usr/bin/firefox-esr' },
  { name: 'webkit2gtk-driver', binary: '/usr/bin/WebKitWebDriver' },
  { name: 'xvfb', binary: '/usr/bin/xvfb-run' },
  // The storage tests start their own PostgreSQL 15 and Redis (packages/api/src/testing/services.ts).
  { name: 'postgresql', binary: '/usr/lib/postgresql/15/bin/postgres' },
  { name: 'redis-server', binary: '/usr/bin/redis-server' },
];

function ensureSystemPackages(): void {
  const missing = systemPackages.filter((p) => !existsSync(p.binary)).map((p) => p.name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `npm test needs the Debian packages: ${missing.join(' ')}\n` +
        `Install them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...missing],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`apt-get ${args[0]} failed; install ${missing.join(' ')} by hand`);
      process.exit(1);
    }
  }
}

function workspaceDirs(): string[] {
  const dirs = ['e2e'];
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(group, name);
      if (statSync(join(root, dir)).isDirectory()) dirs.push(dir);
    }
  }
  return dirs;
}

interface Tally {
  runner: string;
  passed: number;
  failed: number;
}

function readReports(dir: string): Tally[] {
  const tallies: Tally[] = [];
  const vitest = join(root, dir, '.reports', 'vitest.json');
  if (existsSync(vitest)) {
    const r = JSON.parse(readFileSync(vitest, 'utf8'));
    tallies.push({ runner: `${dir} (vitest)`, passed: r.numPassedTests, failed: r.numFailedTests });
  }
  const playwright = join(root, dir, '.reports', 'playwright.json');
  if (existsSync(playwright)) {
    const { stats } = JSON.parse(readFileSync(playwright, 'utf8'));
    tallies.push({
      runner: `${dir} (playwright)`,
      passed: stats.expected + stats.flaky,
      failed: stats.unexpected,
    });
  }
  return tallies;
}

interface TaskSummary {
  taskId: string;
  task: string;
  package: string;
  execution?: { exitCode: number | null };
}

function latestRunSummary(): TaskSummary[] {
  const runs = join(root, '.turbo', 'runs');
  if (!existsSync(runs)) return [];
  const files = readdirSync(runs)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(runs, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) return [];
  return JSON.parse(readFileSync(files[0], 'utf8')).tasks as TaskSummary[];
}

/** A whole-repository check run after the suites, counted by its exit code. */
function check(runner: string, script: string): Tally {
  console.log(`\n=== ${runner}`);
  const result = spawnSync(process.execPath, [join(root, script)], {
    cwd: root,
    stdio: 'inherit',
    env: testEnv,
  });
  const ok = result.status === 0;
  return { runner, passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

/** The container test: images, compose stack, chat through the edge. Exit 77: it cannot run here. */
function containerCheck(): Tally {
  const runner = 'containers (images, compose stack, chat through the edge)';
  console.log(`\n=== ${runner}`);
  const result = spawnSync(process.execPath, [join(root, 'scripts/test-containers.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status === SKIPPED) return { runner: `${runner}: skipped`, passed: 0, failed: 0 };
  const ok = result.status === 0;
  return { runner, passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

// Every child runs with a private TMPDIR and a run marker; `leftovers.finish()` counts what the
// suites left in the real temp folder and which of their processes still run.
const leftovers = watchLeftovers();
const testEnv = leftovers.env;

ensureSystemPackages();

const dirs = workspaceDirs();
for (const dir of dirs) rmSync(join(root, dir, '.reports'), { recursive: true, force: true });
rmSync(join(root, '.turbo', 'runs'), { recursive: true, force: true });

const turbo = spawnSync(
  'turbo',
  // Two tasks at a time: the suites start real servers, browsers and nginx; on a two-core machine
  // more parallelism only starves them.
  [
    'run',
    'lint',
    'typecheck',
    'test',
    'e2e',
    '--continue=always',
    '--summarize',
    '--concurrency=2',
  ],
  { cwd: root, stdio: 'inherit', env: testEnv },
);

const tallies = dirs.flatMap(readReports);
tallies.push(
  dependencyAudit(),
  check('secret scan of tracked files', 'scripts/scan-secrets.ts'),
  check('header judges (Observatory, csp_evaluator)', 'scripts/audit-headers.ts'),
  containerCheck(),
);
const reported = new Set(tallies.map((t) => t.runner.split(' ')[0]));
for (const task of latestRunSummary()) {
  const exitCode = task.execution?.exitCode;
  if (task.task === 'lint' || task.task === 'typecheck') {
    tallies.push({
      runner: task.taskId,
      passed: exitCode === 0 ? 1 : 0,
      failed: exitCode === 0 ? 0 : 1,
    });
  } else if ((task.task === 'test' || task.task === 'e2e') && exitCode !== 0) {
    // A runner that crashed before writing its report still counts as a failure.
    const dir = dirs.find(
      (d) => task.package === JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8')).name,
    );
    if (
      !dir ||
      !reported.has(dir) ||
      !tallies.some((t) => t.runner.startsWith(dir) && t.failed > 0)
    ) {
      tallies.push({ runner: `${task.taskId} (exit ${exitCode})`, passed: 0, failed: 1 });
    }
  }
}

tallies.push(leftovers.finish());

const passed = tallies.reduce((n, t) => n + t.passed, 0);
const failed = tallies.reduce((n, t) => n + t.failed, 0);
console.log('\nResults by runner:');
for (const t of tallies) console.log(`  ${t.runner}: ${t.passed} passed, ${t.failed} failed`);
const ok = turbo.status === 0 && failed === 0 && passed > 0;
if (!ok && failed === 0) {
  console.log(`  turbo exited ${turbo.status} without a failing report`);
}
console.log(`${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed`);
process.exit(ok ? 0 : 1);
