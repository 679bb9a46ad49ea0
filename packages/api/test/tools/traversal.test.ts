import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../src/tools/runner.ts';
import {
  caller,
  createSandbox,
  git,
  readAudit,
  reasonOf,
  runnerFor,
  type Sandbox,
} from './helpers.ts';

const PATH_REFUSALS = ['path_outside_root', 'path_invalid', 'path_denied'];

/** Each must be refused by read_file and by list_dir before anything is read. */
function traversalCorpus(sandbox: Sandbox): string[] {
  return [
    // Parent segments
    '..',
    '../',
    '../outside/secret.txt',
    '../../etc/passwd',
    'docs/../../outside/secret.txt',
    './../outside/secret.txt',
    'README.md/../../outside/secret.txt',
    '../repo/../outside/secret.txt',
    'docs/./../../outside',
    'docs/../../../../../../../../etc/passwd',
    // Absolute, UNC, drive letters and URLs
    '/etc/passwd',
    `${sandbox.outside}/secret.txt`,
    '/',
    '//etc/passwd',
    '//server/share/secret.txt',
    '\\\\server\\share\\secret.txt',
    '\\\\?\\C:\\secret.txt',
    'C:\\Windows\\win.ini',
    'C:/Windows/win.ini',
    'c:secret.txt',
    'file:///etc/passwd',
    'http://host/../../etc/passwd',
    '/proc/self/environ',
    '/dev/zero',
    // Backslashes
    '..\\outside\\secret.txt',
    'docs\\..\\..\\outside\\secret.txt',
    // Percent-encoded, double-encoded, overlong UTF-8 and %u forms
    '%2e%2e/outside/secret.txt',
    '%2e%2e%2foutside%2fsecret.txt',
    '..%2foutside%2fsecret.txt',
    '.%2e/outside/secret.txt',
    '%2e./outside/secret.txt',
    'docs/%2e%2e/%2e%2e/outside/secret.txt',
    '%252e%252e%252foutside%252fsecret.txt',
    '..%252foutside%252fsecret.txt',
    '%2E%2E%5Coutside%5Csecret.txt',
    '..%c0%afoutside/secret.txt',
    '..%c1%9coutside/secret.txt',
    '%u002e%u002e/outside/secret.txt',
    'README.md%00.txt',
    // NUL and control characters
    'README.md\0.png',
    '../outside/secret.txt\0',
    '\0',
    '..\0/outside',
    'README.md\n../outside',
    '\t../outside/secret.txt',
    // Unicode look-alikes that normalise to dots and slashes
    '\uff0e\uff0e/outside/secret.txt',
    '..\uff0foutside\uff0fsecret.txt',
    '\u2025/outside/secret.txt',
    // Overlong names and paths
    'a'.repeat(300),
    'a/'.repeat(2100),
    // Symlinks leading out of the root (and a loop)
    'link-out/secret.txt',
    'link-out',
    'link-out/missing.txt',
    'secret-link.txt',
    'docs/up/outside/secret.txt',
    'abs-link',
    'loop',
    // git internals
    '.git',
    '.git/config',
    'docs/../.git/config',
    'git-link/config',
  ];
}

describe('safe join: traversal corpus', () => {
  let sandbox: Sandbox;
  let runner: ToolRunner;

  beforeAll(() => {
    sandbox = createSandbox({ 'docs/guide.md': 'A guide.\n' });
    symlinkSync(sandbox.outside, join(sandbox.repo, 'link-out'));
    symlinkSync(join(sandbox.outside, 'secret.txt'), join(sandbox.repo, 'secret-link.txt'));
    symlinkSync('../..', join(sandbox.repo, 'docs', 'up'));
    symlinkSync('/etc/passwd', join(sandbox.repo, 'abs-link'));
    symlinkSync('loop', join(sandbox.repo, 'loop'));
    symlinkSync('.git', join(sandbox.repo, 'git-link'));
    symlinkSync('README.md', join(sandbox.repo, 'readme-link'));
    git(sandbox.repo, 'add', '-A');
    git(sandbox.repo, 'commit', '--quiet', '-m', 'links');
    runner = runnerFor(sandbox);
  });

  it('has at least 50 payloads', () => {
    expect(traversalCorpus(sandbox).length).toBeGreaterThanOrEqual(50);
  });

  it('refuses every payload in read_file and list_dir, reads nothing and audits each refusal', async () => {
    const corpus = traversalCorpus(sandbox);
    const before = readAudit(sandbox.auditLog).length;
    const outcomes: { tool: string; path: string; reason: string }[] = [];
    for (const path of corpus) {
      for (const tool of ['read_file', 'list_dir']) {
        let reason = 'not refused';
        try {
          const result = await runner.exec(tool, { path }, caller());
          expect(JSON.stringify(result)).not.toContain(sandbox.canary);
        } catch (error) {
          expect(String((error as Error).message)).not.toContain(sandbox.canary);
          reason = (error as { cause?: { reason?: string } }).cause?.reason ?? 'no reason';
        }
        outcomes.push({ tool, path, reason });
      }
    }
    const notRefused = outcomes.filter((o) => !PATH_REFUSALS.includes(o.reason));
    expect(notRefused).toEqual([]);

    const audit = readAudit(sandbox.auditLog).slice(before);
    expect(audit).toHaveLength(outcomes.length);
    audit.forEach((entry, i) => {
      expect(entry).toMatchObject({
        tool: outcomes[i]?.tool,
        ok: false,
        reason: outcomes[i]?.reason,
        actor: 'admin-1',
      });
    });
  });

  it('says which kind of refusal each trick gets', async () => {
    const read = (path: string) => reasonOf(runner.exec('read_file', { path }, caller()));
    expect(await read('../outside/secret.txt')).toBe('path_outside_root');
    expect(await read('/etc/passwd')).toBe('path_outside_root');
    expect(await read('secret-link.txt')).toBe('path_outside_root');
    // A missing file behind an outward symlink must not reveal whether it exists out there.
    expect(await read('link-out/missing.txt')).toBe('path_outside_root');
    expect(await read('%2e%2e/outside/secret.txt')).toBe('path_invalid');
    expect(await read('README.md\0.png')).toBe('path_invalid');
    expect(await read('..\\outside\\secret.txt')).toBe('path_invalid');
    expect(await read('loop')).toBe('path_invalid');
    expect(await read('.git/config')).toBe('path_denied');
    expect(await read('git-link/config')).toBe('path_denied');
    expect(await read('docs/missing.md')).toBe('not_found');
  });

  it('still reads and lists what is inside the root, through inward symlinks too', async () => {
    const viaLink = await runner.exec('read_file', { path: 'readme-link' }, caller());
    expect(viaLink).toMatchObject({ tool: 'read_file', result: { path: 'README.md' } });
    const nested = await runner.exec('read_file', { path: 'docs/./guide.md' }, caller());
    expect(nested).toMatchObject({ result: { path: 'docs/guide.md', content: 'A guide.' } });

    const listing = await runner.exec('list_dir', { path: '.' }, caller());
    if (listing.tool !== 'list_dir') throw new Error('wrong tool');
    const names = listing.result.entries.map((e) => e.name);
    expect(names).not.toContain('.git');
    expect(names).toEqual([...names].sort());
    expect(listing.result.entries.find((e) => e.name === 'link-out')?.type).toBe('symlink');
  });
});
