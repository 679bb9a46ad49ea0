// `npm test` leaves nothing behind. By construction: every child of the run gets a private
// TMPDIR (a fresh folder, removed at the end whether the run passed or not) and an environment
// marker, and the runner is a child subreaper, so every process the run starts stays below it in
// the process tree, orphaned or not. Then counted: the real temp folder must hold no new
// `bastion*` entry, and no process below the runner or carrying the marker may still run.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LEFTOVER = /^bastion/;
const MARKER = 'BASTION_TEST_RUN';
/** Set (to its pid) in the environment of a runner that made itself a child subreaper. */
const SUBREAPER = 'BASTION_TEST_SUBREAPER';
/** prctl(PR_SET_CHILD_SUBREAPER), then exec the rest of argv; exit 97 when refused. */
const BECOME_SUBREAPER = `import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
    sys.exit(97)
os.environ['${SUBREAPER}'] = str(os.getpid())
os.execv(sys.argv[1], sys.argv[1:])`;
const REFUSED = 97;

/**
 * Runs this script again as a child subreaper unless it is one, and exits with the re-run's
 * status. A process the run starts that loses its parent (a double fork, `setsid`, a daemon) is
 * then re-parented to the runner instead of init, so the closing check finds it by ancestry,
 * whatever its environment (a test that starts a server with only `PATH` drops the marker),
 * process group or session. Node cannot call prctl itself: Python's ctypes does, then execs
 * Node again (the attribute survives exec). Returns false where that cannot be done.
 */
function becomeSubreaper(): boolean {
  if (process.env[SUBREAPER] === String(process.pid)) return true;
  if (process.platform !== 'linux') return false;
  // The re-run gets the signals too and handles them; this one only waits for it.
  const wait = () => {};
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, wait);
  const rerun = spawnSync(
    'python3',
    ['-c', BECOME_SUBREAPER, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  if (!rerun.error && rerun.status !== REFUSED) process.exit(rerun.status ?? 1);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, wait);
  return false;
}

/** Live processes below `root` in the process tree (zombies aside); Linux /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // gone
    }
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue;
    children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export interface Tally {
  runner: string;
  passed: number;
  failed: number;
}

/** Processes (never this one) whose environment holds `marker`; Linux /proc. */
function markedProcesses(marker: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.map(Number).filter((pid) => {
    if (pid === process.pid) return false;
    try {
      return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${marker}\0`);
    } catch {
      return false; // gone, or another user's
    }
  });
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    return '';
  }
}

/**
 * Starts watching, first making this process a child subreaper (see `becomeSubreaper`: the
 * script runs again, and this call returns in the re-run). `env` is the environment to run every
 * child with; `finish()` kills and reports surviving processes, removes the private TMPDIR and
 * reports new entries in the real temp folder, as one tally.
 */
export function watchLeftovers(base: NodeJS.ProcessEnv = process.env) {
  const subreaper = becomeSubreaper();
  const realTmp = tmpdir();
  const before = new Set(readdirSync(realTmp).filter((name) => LEFTOVER.test(name)));
  const privateTmp = mkdtempSync(join(realTmp, 'bastion-npm-test-'));
  // Searchable but not listable by others: servers that tests start under their own users
  // (PostgreSQL as `postgres`, nginx workers) reach the folders made for them, and nothing else.
  chmodSync(privateTmp, 0o711);
  const remove = () => rmSync(privateTmp, { recursive: true, force: true });
  process.on('exit', remove);
  // Interrupted: the handlers run once the child in progress ends, then the folder goes.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(130));
  const id = randomUUID();
  const marker = `${MARKER}=${id}`;
  const env: NodeJS.ProcessEnv = {
    ...base,
    TMPDIR: privateTmp,
    TMP: privateTmp,
    TEMP: privateTmp,
    [MARKER]: id,
  };

  function finish(): Tally {
    const runner = 'nothing left behind (temp files, processes)';
    console.log(`\n=== ${runner}`);
    // Below the runner (every process of the run, when it is a subreaper), or carrying the marker
    // (which a process re-parented to another subreaper may still do).
    const survivors = [...new Set([...descendants(process.pid), ...markedProcesses(marker)])];
    if (!subreaper) {
      console.log('  (not a child subreaper: orphans are found by the run marker alone)');
    }
    for (const pid of survivors) {
      console.log(`  process ${pid} outlived the run: ${commandOf(pid)}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It went meanwhile.
      }
    }
    const inPrivate = readdirSync(privateTmp).length;
    remove();
    const leaked = readdirSync(realTmp).filter((name) => LEFTOVER.test(name) && !before.has(name));
    for (const name of leaked) console.log(`  left in ${realTmp}: ${name}`);
    console.log(
      `  ${leaked.length} new entries in ${realTmp}, ${survivors.length} surviving processes; ` +
        `${inPrivate} entries left in the run's private TMPDIR (removed with it)`,
    );
    const ok = leaked.length === 0 && survivors.length === 0;
    return { runner, passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
  }

  return { env, privateTmp, subreaper, finish };
}
