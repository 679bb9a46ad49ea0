import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { envVariables } from '../src/config/env.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(repo, path), 'utf8');

const example = read('infra/.env.example');
/** The example's last section is read by compose (infra/compose.yaml), not by the server. */
const COMPOSE_HEADER = /^# ── Compose\b.*$/m;
const composeAt = example.search(COMPOSE_HEADER);
const serverPart = composeAt < 0 ? example : example.slice(0, composeAt);
const composePart = composeAt < 0 ? '' : example.slice(composeAt);

/** `NAME=` and `# NAME=` lines: the variables a section documents. */
const documented = (text: string) =>
  new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

/** Variables the server reads outside the config schema (`process.env.NAME` in its source). */
function directReads(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => [
      ...read(join(dir, file)).matchAll(
        /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
      ),
    ])
    .map((m) => (m[1] ?? m[2])!);
}

const serverReads = new Set([...envVariables, ...directReads('apps/server/src')]);
const composeReads = new Set(
  ['infra/compose.yaml', 'infra/compose.scale.yaml'].flatMap((file) =>
    [...read(file).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
  ),
);

const difference = (a: Iterable<string>, b: Set<string>) => [...a].filter((v) => !b.has(v)).sort();

describe('infra/.env.example', () => {
  it('documents every variable the server reads', () => {
    expect(difference(serverReads, documented(serverPart))).toEqual([]);
  });

  it('documents no server variable that nothing reads', () => {
    expect(difference(documented(serverPart), serverReads)).toEqual([]);
  });

  it('documents exactly the variables compose substitutes that the server does not read', () => {
    const composeOnly = new Set([...composeReads].filter((v) => !serverReads.has(v)));
    expect(difference(documented(composePart), composeOnly)).toEqual([]);
    expect(difference(composeOnly, documented(composePart))).toEqual([]);
  });

  it('holds no secret values, only placeholders', () => {
    const secrets = [
      ...example.matchAll(/^#? ?([A-Z0-9_]*_(?:KEY|KEYS|SECRET|TOKEN)(?:_FILE)?)=(.*)$/gm),
    ];
    expect(secrets.map((m) => m[1])).toContain('OPENAI_API_KEY');
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const [, name, value] of secrets) expect(value, name).toMatch(/^$|<secret>/);
  });
});

describe('README configuration tables', () => {
  it('name only variables the server or compose reads', () => {
    const readme = read('README.md');
    const named = [...readme.matchAll(/^\| ([^|]*`[A-Z][A-Z0-9_]+(?:\[_FILE\])?`[^|]*) \|/gm)]
      .flatMap((row) => [...row[1]!.matchAll(/`([A-Z][A-Z0-9_]+)(\[_FILE\])?`/g)])
      .flatMap((m) => (m[2] ? [m[1]!, `${m[1]}_FILE`] : [m[1]!]));
    expect(named.length).toBeGreaterThan(40);
    expect(difference(new Set(named), new Set([...serverReads, ...composeReads]))).toEqual([]);
  });
});

/** The values of a string-literal union type, read from its declaration. */
function unionValues(path: string, type: string): string[] {
  const declaration = new RegExp(`type ${type} =([^;]+);`).exec(read(path))?.[1] ?? '';
  return [...declaration.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('infra/RUNBOOK.md', () => {
  const runbook = read('infra/RUNBOOK.md');

  it('explains exactly the llm.path values the API reports', () => {
    const paths = unionValues('packages/api/src/chat/llm-status.ts', 'LlmPath');
    expect(paths).toContain('unavailable');
    const table = runbook.slice(runbook.indexOf('## `llm.path`'));
    const rows = [...table.matchAll(/^\| `([a-z]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(paths);
  });

  it('names every failure reason status.summary can show', () => {
    for (const reason of unionValues(
      'packages/api/src/chat/providers/failure.ts',
      'FailureReason',
    )) {
      expect(runbook).toContain(reason);
    }
  });
});

describe('README TypeScript examples', () => {
  const blocks = [...read('README.md').matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

  it('read only variables Bastion reads (the CLI and the server)', () => {
    const known = new Set([...serverReads, ...directReads('packages/api/src/cli')]);
    const used = blocks.flatMap((b) =>
      [...b.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
    );
    expect(difference(new Set(used), known)).toEqual([]);
  });

  it("pass the repository's lint as pasted", () => {
    expect(blocks.length).toBeGreaterThan(0);
    // Checked outside the work tree with the repository's Biome settings (minus its git link).
    const dir = mkdtempSync(join(tmpdir(), 'bastion-readme-'));
    try {
      const { vcs: _vcs, $schema: _schema, ...config } = JSON.parse(read('biome.json'));
      writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
      const files = blocks.map((block, i) => {
        writeFileSync(join(dir, `example-${i + 1}.ts`), block);
        return `example-${i + 1}.ts`;
      });
      const biome = join(repo, 'node_modules/.bin/biome');
      const result = spawnSync(biome, ['check', '--colors=off', ...files], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
