import { spawn } from 'node:child_process';
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
 * Runs an argument vector without a shell, in its own process group, so a timeout (SIGTERM, then
 * SIGKILL) reaches children and grandchildren too; whatever is left of the group when the
 * process exits is killed as well. Rejects only when the process cannot be started.
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
