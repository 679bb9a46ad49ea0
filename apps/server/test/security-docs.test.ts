import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../../', import.meta.url);
const threatModel = readFileSync(new URL('infra/SECURITY.md', repo), 'utf8');

/**
 * The threat model's proofs: for each table row, its last cell read as `file` "test name", …
 * groups (a name belongs to the file before it).
 */
function proofs(): { row: string; file: string; names: string[] }[] {
  const section = threatModel.split('## Threat model')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((line) => /^\| (?!asset|---)/.test(line));
  return rows.flatMap((line) => {
    const cells = line.split(' | ');
    const row = cells[0]?.replace(/^\| /, '') ?? '';
    const cell = cells.at(-1)?.replace(/ \|$/, '') ?? '';
    return [...cell.matchAll(/`([^`\s]+\.(?:ts|tsx))`([^`]*)/g)].map(
      ([, file = '', rest = '']) => ({
        row,
        file,
        names: [...rest.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''),
      }),
    );
  });
}

describe('infra/SECURITY.md', () => {
  it('names tests that exist: every file, and every quoted test name in its file', () => {
    const found = proofs();
    expect(found.length).toBeGreaterThan(30);
    for (const { row, file, names } of found) {
      const url = new URL(file, repo);
      expect(existsSync(url), `${row}: ${file}`).toBe(true);
      const text = readFileSync(url, 'utf8');
      for (const name of names) expect(text, `${row}: ${file} "${name}"`).toContain(name);
    }
  });
});
