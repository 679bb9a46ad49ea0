import { describe, expect, it } from 'vitest';
import { plainSnippet } from './plain-snippet.ts';

describe('plainSnippet', () => {
  it('takes the Markdown syntax out of a snippet cut from a document', () => {
    expect(plainSnippet('| layer | where |\n|---|:---:|\n| input | server |')).toBe(
      'layer · where input · server',
    );
    expect(plainSnippet('run `npm test`, then\n```ts\nconst a = 1;\n```')).toBe(
      'run npm test, then const a = 1;',
    );
    expect(
      plainSnippet('## Guardrails\n> checks *every* question, _each_ passage: [docs](https://x.y)'),
    ).toBe('Guardrails checks every question, each passage: docs');
    expect(plainSnippet('- [ ] task\n- [x] done\n1. first')).toBe('task done first');
    // Cut mid-line: a heading's hashes and a row's pipes in the middle of the window.
    expect(plainSnippet('the end. ## Setup | a | b |')).toBe('the end. Setup · a · b');
  });

  it('keeps the search highlights, identifiers, arithmetic and escaped characters', () => {
    expect(plainSnippet('the **term** in snake_case_name, 2 * 3 * 4, \\*literal\\*')).toBe(
      'the **term** in snake_case_name, 2 * 3 * 4, *literal*',
    );
  });

  it('stays fast on pathological input', () => {
    for (const bad of ['-'.repeat(1e5), '*a'.repeat(5e4), '| '.repeat(5e4), '['.repeat(1e5)]) {
      const started = performance.now();
      plainSnippet(bad);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
