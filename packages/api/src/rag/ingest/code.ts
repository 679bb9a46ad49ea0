import type { Section } from './types.ts';

/** Lines that close a block rather than open a declaration. */
const CLOSER = /^([\]})]|end\b|fi\b|done\b|esac\b)/;
const PREAMBLE = /^(\/\/|\/\*|\*|#|--|;|@|"""|''')/;

function signature(block: string[]): string {
  const line = block.find((l) => l.trim() && !PREAMBLE.test(l.trimStart())) ?? block[0] ?? '';
  return line
    .trim()
    .replace(/\s*[{:]\s*$/, '')
    .slice(0, 120);
}

/**
 * Splits source code into top-level declarations: a block starts at an unindented line that is
 * not a closing bracket and follows a blank line or a closed block, so leading comments and
 * decorators stay with the declaration under them. Works across brace and indentation languages.
 */
export function codeSections(source: string): Section[] {
  const lines = source
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const blocks: string[][] = [];
  let block: string[] = [];
  let previous = '';
  for (const line of lines) {
    const startsBlock =
      /^\S/.test(line) &&
      !CLOSER.test(line) &&
      (previous.trim() === '' || CLOSER.test(previous)) &&
      block.some((l) => l.trim());
    if (startsBlock) {
      blocks.push(block);
      block = [];
    }
    block.push(line);
    previous = line;
  }
  blocks.push(block);
  return blocks
    .map((b) => ({ headings: [signature(b)], text: b.join('\n').trim() }))
    .filter((s) => s.text);
}
