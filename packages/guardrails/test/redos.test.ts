import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import '../src/index.ts';
import { registeredPatterns } from '../src/patterns.ts';

const SOURCE = join(import.meta.dirname, '..', 'src');
const patterns = registeredPatterns();
// The global and sticky flags only choose where matching starts, not how it backtracks: a pattern
// registered again with other such flags (the sticky copies of the rules) is checked once.
const distinct = [
  ...new Map(patterns.map((p) => [`${p.source}/${p.flags.replace(/[gy]/g, '')}`, p])).values(),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Offsets of the regex literals in TypeScript source (a small lexer: strings, comments, regexes). */
function regexLiterals(code: string): number[] {
  const found: number[] = [];
  let previous = '';
  let i = 0;
  const skipQuoted = (quote: string): void => {
    for (i++; i < code.length && code[i] !== quote; i++) if (code[i] === '\\') i++;
    i++;
  };
  while (i < code.length) {
    const c = code[i] as string;
    const next = code[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      skipQuoted(c);
      previous = 'x';
    } else if (c === '/' && next === '/') {
      i = code.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && next === '*') {
      i = code.indexOf('*/', i) + 2;
    } else if (
      c === '/' &&
      (previous === '' ||
        '(,=:[!&|?{};+-*%<>~^'.includes(previous) ||
        /return$/.test(code.slice(0, i).trimEnd()))
    ) {
      found.push(i);
      let inClass = false;
      for (i++; i < code.length; i++) {
        const d = code[i];
        if (d === '\\') i++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
      }
      i++;
      previous = 'x';
    } else {
      if (!/\s/.test(c)) previous = c;
      i++;
    }
  }
  return found;
}

describe('every regular expression runs in linear time', () => {
  it('all of them are registered through re() (no regex literal or RegExp elsewhere)', () => {
    for (const file of sourceFiles(SOURCE)) {
      const code = readFileSync(file, 'utf8');
      for (const at of regexLiterals(code)) {
        expect(
          code.slice(0, at).trimEnd().endsWith('re('),
          `regex literal outside re() at ${file}:${at}`,
        ).toBe(true);
      }
      for (const m of code.matchAll(/new RegExp\(/g)) {
        expect(
          code.slice(0, m.index).trimEnd().endsWith('re('),
          `RegExp outside re() in ${file}`,
        ).toBe(true);
      }
    }
    expect(patterns.length).toBeGreaterThan(50);
  });

  // recheck proves each pattern safe (automaton analysis, or fuzzing where that cannot decide);
  // the patterns are split into shards so a slow one is easy to find. The fuzzer is seeded and
  // bounded by counted matching steps, not by time: with its default time limits, a busy machine
  // made a safe pattern's slow match read as an attack.
  const CHECK = {
    timeout: 60_000,
    randomSeed: 0,
    attackTimeout: null,
    incubationTimeout: null,
    seedingTimeout: null,
  } as const;
  const SHARDS = 6;
  for (let shard = 0; shard < SHARDS; shard++) {
    const mine = distinct.filter((_, i) => i % SHARDS === shard);
    it(`recheck finds no ReDoS (shard ${shard + 1}/${SHARDS}, ${mine.length} patterns)`, {
      timeout: 300_000,
    }, () => {
      for (const pattern of mine) {
        const diagnostics = checkSync(pattern.source, pattern.flags, CHECK);
        expect(diagnostics.status, `/${pattern.source}/${pattern.flags}`).toBe('safe');
      }
    });
  }
});
