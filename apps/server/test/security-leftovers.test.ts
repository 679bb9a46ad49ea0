import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('./fixtures/leftover-run.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

const started: number[] = [];
afterEach(() => {
  // Pass or fail, nothing this test made survives it.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: the check did its job.
    }
  }
});

describe('the closing check of npm test (scripts/leftovers.ts)', () => {
  it('finds and stops what a run leaves running: daemons, own sessions, scrubbed environments', async () => {
    const child = spawn(process.execPath, [RUN], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      const first = /^\{"started":(\{[^}]*\})/m.exec(output)?.[1];
      if (first && started.length === 0)
        started.push(...Object.values(JSON.parse(first) as object));
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const lines = output.trim().split('\n');
    const { started: pids, subreaper } = JSON.parse(lines[0] ?? '{}');
    const { tally } = JSON.parse(lines.at(-1) ?? '{}');
    expect(subreaper).toBe(true);
    for (const [how, pid] of Object.entries(pids as Record<string, number>)) {
      expect(output, how).toContain(`process ${pid} outlived the run`);
      expect(alive(pid), how).toBe(false);
    }
    expect(tally).toMatchObject({ passed: 0, failed: 1 });
  }, 30_000);
});
