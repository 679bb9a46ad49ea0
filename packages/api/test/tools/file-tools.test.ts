import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_READ_FILE_BYTES } from '../../src/tools/read-file.ts';
import type { ToolCallResult, ToolRunner } from '../../src/tools/runner.ts';
import {
  caller,
  createSandbox,
  FAKE_AWS_KEY,
  reasonOf,
  runnerFor,
  type Sandbox,
  writeFile,
} from './helpers.ts';

const AWS_KEY = FAKE_AWS_KEY;

function resultOf<T extends ToolCallResult['tool']>(call: ToolCallResult, tool: T) {
  if (call.tool !== tool) throw new Error(`expected ${tool}, got ${call.tool}`);
  return call.result as Extract<ToolCallResult, { tool: T }>['result'];
}

describe('read_file, list_dir and search_repo', () => {
  let sandbox: Sandbox;
  let runner: ToolRunner;
  const exec = (tool: string, args: unknown) => runner.exec(tool, args, caller());

  beforeAll(() => {
    sandbox = createSandbox({
      'src/lines.txt': `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
      'src/utf8.txt': 'héllo wörld ✓\n',
      'src/config.env': `AWS_ACCESS_KEY_ID=${AWS_KEY}\nregion=eu\n`,
      'src/code.ts': 'const pattern = /a+(b)*/; // match (a.b)*\nexport const Needle = 1;\n',
      'node_modules/dep/index.js': 'const needle = "in a dependency";\n',
      'docs/notes.md': 'A needle in the docs.\nAnother NEEDLE here.\n',
    });
    writeFileSync(join(sandbox.repo, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    writeFile(join(sandbox.outside, 'needle.txt'), 'needle outside the root\n');
    symlinkSync(sandbox.outside, join(sandbox.repo, 'outside-link'));
    mkdirSync(join(sandbox.repo, 'many'));
    for (let i = 0; i < 30; i++) writeFile(join(sandbox.repo, 'many', `f${i}.txt`), 'needle\n');
    runner = runnerFor(sandbox);
  });

  it('reads a line range', async () => {
    const result = resultOf(
      await exec('read_file', { path: 'src/lines.txt', start_line: 3, end_line: 5 }),
      'read_file',
    );
    expect(result).toMatchObject({
      path: 'src/lines.txt',
      totalLines: 10,
      startLine: 3,
      endLine: 5,
      content: 'line 3\nline 4\nline 5',
      truncated: false,
    });
  });

  it('caps the bytes returned without splitting a character', async () => {
    const result = resultOf(
      await exec('read_file', { path: 'src/utf8.txt', max_bytes: 2 }),
      'read_file',
    );
    expect(result).toMatchObject({ content: 'h', truncated: true });
  });

  it('redacts credentials in file content', async () => {
    const result = resultOf(await exec('read_file', { path: 'src/config.env' }), 'read_file');
    expect(result.content).not.toContain(AWS_KEY);
    expect(result.content).toContain('region=eu');
  });

  it('refuses binaries, directories, FIFOs and files over the size cap', async () => {
    expect(await reasonOf(exec('read_file', { path: 'image.bin' }))).toBe('binary_file');
    expect(await reasonOf(exec('read_file', { path: 'src' }))).toBe('not_a_file');
    execFileSync('mkfifo', [join(sandbox.repo, 'pipe')]);
    expect(await reasonOf(exec('read_file', { path: 'pipe' }))).toBe('not_a_file');
    writeFileSync(join(sandbox.repo, 'big.txt'), Buffer.alloc(MAX_READ_FILE_BYTES + 1, 'x'));
    expect(await reasonOf(exec('read_file', { path: 'big.txt' }))).toBe('too_large');
  });

  it('validates arguments against the tool schema', async () => {
    expect(await reasonOf(exec('read_file', {}))).toBe('invalid_args');
    expect(await reasonOf(exec('read_file', { path: 'a', start_line: 0 }))).toBe('invalid_args');
    expect(await reasonOf(exec('read_file', { path: 'a', start_line: 5, end_line: 2 }))).toBe(
      'invalid_args',
    );
    expect(await reasonOf(exec('read_file', { path: 'a', extra: true }))).toBe('invalid_args');
    expect(await reasonOf(exec('read_file', { path: 'x'.repeat(10_000) }))).toBe('invalid_args');
    expect(await reasonOf(exec('list_dir', 'src'))).toBe('invalid_args');
  });

  it('lists a directory sorted by name with types and sizes, capped', async () => {
    const listing = resultOf(await exec('list_dir', { path: 'src' }), 'list_dir');
    expect(listing.entries.map((e) => e.name)).toEqual([
      'code.ts',
      'config.env',
      'lines.txt',
      'utf8.txt',
    ]);
    expect(listing.entries[2]).toEqual({ name: 'lines.txt', type: 'file', size: 71 });
    const capped = resultOf(await exec('list_dir', { path: 'many', max_entries: 5 }), 'list_dir');
    expect(capped).toMatchObject({ total: 30, truncated: true });
    expect(capped.entries).toHaveLength(5);
    expect(await reasonOf(exec('list_dir', { path: 'README.md' }))).toBe('not_a_directory');
  });

  it('searches literal text, case-insensitively by default, skipping what it should', async () => {
    const result = resultOf(
      await exec('search_repo', { query: 'needle', max_results: 500 }),
      'search_repo',
    );
    const paths = result.matches.map((m) => m.path);
    expect(paths).toContain('docs/notes.md');
    expect(paths).toContain('src/code.ts');
    expect(paths.some((p) => p.startsWith('node_modules/'))).toBe(false);
    expect(paths.some((p) => p.startsWith('outside-link/'))).toBe(false);
    expect(result.matches.filter((m) => m.path === 'docs/notes.md').map((m) => m.line)).toEqual([
      1, 2,
    ]);
    expect(result.truncated).toBe(false);

    const exact = resultOf(
      await exec('search_repo', { query: 'NEEDLE', case_sensitive: true }),
      'search_repo',
    );
    expect(exact.matches).toEqual([
      { path: 'docs/notes.md', line: 2, text: 'Another NEEDLE here.' },
    ]);
  });

  it('treats regex syntax as plain text', async () => {
    const result = resultOf(await exec('search_repo', { query: '(a.b)*' }), 'search_repo');
    expect(result.matches.map((m) => m.path)).toEqual(['src/code.ts']);
    expect(resultOf(await exec('search_repo', { query: '.*' }), 'search_repo').matches).toEqual([]);
  });

  it('stops at max_results and says so; redacts matched lines; stays in the root', async () => {
    const capped = resultOf(
      await exec('search_repo', { query: 'needle', max_results: 3 }),
      'search_repo',
    );
    expect(capped.matches).toHaveLength(3);
    expect(capped.truncated).toBe(true);

    const secret = resultOf(await exec('search_repo', { query: 'AWS_ACCESS' }), 'search_repo');
    expect(secret.matches).toHaveLength(1);
    expect(secret.matches[0]?.text).not.toContain(AWS_KEY);
    // A query is matched against what the caller may see: probing a prefix of a redacted value
    // one character at a time finds nothing.
    for (const prefix of [AWS_KEY.slice(0, 6), AWS_KEY.slice(0, 12), AWS_KEY]) {
      const probe = resultOf(await exec('search_repo', { query: prefix }), 'search_repo');
      expect(probe.matches).toEqual([]);
    }

    expect(await reasonOf(exec('search_repo', { query: 'x', path: '../outside' }))).toBe(
      'path_outside_root',
    );
    expect(await reasonOf(exec('search_repo', { query: 'x', path: 'outside-link' }))).toBe(
      'path_outside_root',
    );
  });
});
