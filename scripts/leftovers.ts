// `npm test` leaves nothing behind. By construction: every child of the run gets a private
// TMPDIR (a fresh 0700 folder, removed at the end whether the run passed or not) and an
// environment marker that every process it starts inherits. Then counted: the real temp folder
// must hold no new `bastion*` entry, and no process carrying the marker may still run.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LEFTOVER = /^bastion/;
const MARKER = 'BASTION_TEST_RUN';

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
 * Starts watching: `env` is the environment to run every child with; `finish()` kills and
 * reports surviving processes, removes the private TMPDIR and reports new entries in the real
 * temp folder, as one tally.
 */
export function watchLeftovers(base: NodeJS.ProcessEnv = process.env) {
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
    const survivors = markedProcesses(marker);
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

  return { env, privateTmp, finish };
}
