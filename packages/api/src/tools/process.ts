import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Per stream; bytes beyond it are read and dropped so the child never blocks on a full pipe. */
  maxOutputBytes: number;
  /** Between SIGTERM and SIGKILL on timeout. */
  killGraceMs?: number;
  /**
   * `NAME=value` set in `env` for this run alone: once the process exits or times out, every
   * process still carrying it is killed too, wherever it moved (setsid, a double fork).
   */
  marker?: string;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

/** How long to wait for the output pipes to drain once the process group is gone. */
const DRAIN_MS = 1_000;

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  private readonly cap: number;

  constructor(stream: Readable, cap: number) {
    this.cap = cap;
    stream.on('data', (chunk: Buffer) => this.push(chunk));
  }

  private push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Kills every process whose environment holds `marker`, through /proc (Linux): processes that
 * left the group and session keep the environment they inherited. A few rounds catch what a
 * dying process forked meanwhile.
 */
export function killMarked(marker: string): void {
  const needle = `\0${marker}\0`;
  for (let round = 0; round < 5; round++) {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return;
    }
    let killed = 0;
    for (const pid of pids) {
      if (Number(pid) === process.pid) continue;
      let environ: string;
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      } catch {
        continue; // gone, or not ours to read
      }
      if (!`\0${environ}`.includes(needle)) continue;
      try {
        process.kill(Number(pid), 'SIGKILL');
        killed++;
      } catch {
        // ESRCH: it went by itself.
      }
    }
    if (killed === 0) return;
  }
}

/**
 * Runs an argument vector without a shell, in its own process group, so a timeout (SIGTERM, then
 * SIGKILL) reaches children and grandchildren too; whatever is left of the group when the
 * process exits is killed as well, and so is every process that carries `marker`. Rejects only
 * when the process cannot be started.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout = new CappedBuffer(child.stdout, spec.maxOutputBytes);
    const stderr = new CappedBuffer(child.stderr, spec.maxOutputBytes);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the whole group is already gone.
      }
      if (signal === 'SIGKILL' && spec.marker) killMarked(spec.marker);
    };

    const timeout = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs ?? 1_000);
    }, spec.timeoutMs);

    child.once('error', (error) => {
      clearTimeout(timeout);
      reject(error);
    });

    child.once('exit', (exitCode, signal) => {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      killGroup('SIGKILL');
      const finish = () => {
        clearTimeout(drainTimer);
        resolve({
          exitCode,
          signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutTruncated: stdout.truncated,
          stderrTruncated: stderr.truncated,
          timedOut,
          durationMs: Math.round(performance.now() - started),
        });
      };
      // A descendant that left the group could hold the pipes open; stop waiting for it.
      const drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, DRAIN_MS);
      child.once('close', finish);
    });
  });
}
