import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../../src/cli/bastion.mjs', import.meta.url));
/** Debian's Node (20 on these machines): what the launcher's shebang finds outside `npx`. */
const systemNode = '/usr/bin/node';

function run(node: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(node, [launcher, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function olderThan2218(node: string): boolean {
  if (!existsSync(node)) return false;
  const out = execFileSync(node, ['--version'], { encoding: 'utf8' });
  const [major = 0, minor = 0] = out.trim().slice(1).split('.').map(Number);
  return major < 22 || (major === 22 && minor < 18);
}

describe('the bastion command', () => {
  it('runs the CLI on this Node', async () => {
    const { code, stdout } = await run(process.execPath, ['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^bastion \d+\.\d+\.\d+\n$/);
  });

  it.skipIf(!olderThan2218(systemNode))(
    'tells an older Node what it needs, in one line and without a stack trace',
    async () => {
      const { code, stdout, stderr } = await run(systemNode, ['ask', 'hi']);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^bastion needs Node 22\.18 or newer, this is v\d+[^\n]*npx bastion[^\n]*\n$/,
      );
    },
  );

  it('names an unknown option in its own words', async () => {
    const { code, stderr } = await run(process.execPath, ['ask', 'hi', '--bogus']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('error: unknown option --bogus');
  });
});
