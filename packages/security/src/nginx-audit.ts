import { securityHeaderNames } from './headers.ts';

export interface NginxBlock {
  /** e.g. `server`, `location ^~ /api/`. */
  header: string;
  directives: string[][];
  children: NginxBlock[];
}

/** A small parser for the nginx syntax we render: blocks, directives, quotes and comments. */
export function parseNginxConfig(text: string): NginxBlock {
  const root: NginxBlock = { header: 'main', directives: [], children: [] };
  const stack = [root];
  let words: string[] = [];
  let word = '';
  let quote: string | null = null;
  const endWord = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const current = stack[stack.length - 1]!;
    if (quote) {
      if (ch === '\\') word += text[++i] ?? '';
      else if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '#' && word === '') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/\s/.test(ch)) {
      endWord();
    } else if (ch === ';') {
      endWord();
      current.directives.push(words);
      words = [];
    } else if (ch === '{') {
      endWord();
      const child: NginxBlock = { header: words.join(' '), directives: [], children: [] };
      current.children.push(child);
      stack.push(child);
      words = [];
    } else if (ch === '}') {
      endWord();
      if (stack.length === 1) throw new Error('unbalanced } in nginx config');
      stack.pop();
    } else {
      word += ch;
    }
  }
  if (stack.length !== 1 || quote) throw new Error('unterminated block or string in nginx config');
  return root;
}

function* walk(block: NginxBlock, path: string[] = []): Generator<[NginxBlock, string]> {
  const here = [...path, block.header];
  yield [block, here.join(' > ')];
  for (const child of block.children) yield* walk(child, here);
}

/**
 * Problems with the security headers of a rendered config: every block that sets its own
 * add_header (and so drops the inherited ones) must repeat the whole set, each exactly once and
 * with `always` (so error responses carry them too).
 */
export function auditNginxHeaders(text: string, required = securityHeaderNames): string[] {
  const problems: string[] = [];
  let blocksWithHeaders = 0;
  for (const [block, where] of walk(parseNginxConfig(text))) {
    const addHeaders = block.directives.filter((d) => d[0] === 'add_header');
    if (addHeaders.length === 0) continue;
    blocksWithHeaders++;
    const names = addHeaders.map((d) => (d[1] ?? '').toLowerCase());
    for (const name of required) {
      const count = names.filter((n) => n === name).length;
      if (count !== 1) problems.push(`${where}: ${name} appears ${count} times`);
    }
    for (const d of addHeaders) {
      if (d[d.length - 1] !== 'always')
        problems.push(`${where}: add_header ${d[1]} lacks "always"`);
    }
  }
  if (blocksWithHeaders === 0) problems.push('no block sets security headers');
  return problems;
}
