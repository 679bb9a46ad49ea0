import type { Section } from './types.ts';

/** Lines that close a block rather than open a declaration. */
const CLOSER = /^([\]})]|end\b|fi\b|done\b|esac\b)/;
const PREAMBLE = /^(\/\/|\/\*|\*|#|--|;|@|"""|''')/;

/** A block's first declaration line without its opening `{` or `:` (cut by hand: the pattern
 * `\s*[{:]\s*$` would rescan every blank run from each of its positions). */
function signature(block: string[]): string {
  const line = (
    block.find((l) => l.trim() && !PREAMBLE.test(l.trimStart())) ??
    block[0] ??
    ''
  ).trim();
  const last = line.at(-1);
  return (last === '{' || last === ':' ? line.slice(0, -1).trimEnd() : line).slice(0, 120);
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
  let blockHasText = false;
  let previous = '';
  for (const line of lines) {
    const startsBlock =
      blockHasText &&
      /^\S/.test(line) &&
      !CLOSER.test(line) &&
      (previous.trim() === '' || CLOSER.test(previous));
    if (startsBlock) {
      blocks.push(block);
      block = [];
      blockHasText = false;
    }
    block.push(line);
    blockHasText ||= line.trim() !== '';
    previous = line;
  }
  blocks.push(block);
  return blocks
    .map((b) => ({ headings: [signature(b)], text: b.join('\n').trim() }))
    .filter((s) => s.text);
}
