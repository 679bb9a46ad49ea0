import type { Section } from './types.ts';
import { parseYaml } from './yaml.ts';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// The closing `#` sequence is stripped by `atxText`, not by the pattern: a lazy body followed by
// optional trailing blanks backtracks over every blank run (quadratic on `# a` + spaces + `x`).
// `[\s\S]` rather than `.`, which stops at U+2028 and would make `$` backtrack the same way.
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+([\s\S]*)$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const MDX_STATEMENT = /^(import|export)\s/;
const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** An ATX heading's text without its optional closing sequence of `#` (after a blank). */
function atxText(raw: string): string {
  const text = raw.trimEnd();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0) return '';
  return text[end - 1] === ' ' || text[end - 1] === '\t' ? text.slice(0, end).trimEnd() : text;
}

/**
 * Heading text without inline Markdown: `code`, emphasis, links, images. The link pattern stops
 * at the next bracket or parenthesis, so every scan ends where another may start (linear time).
 */
function plainHeading(text: string): string {
  return text
    .replace(/!?\[([^[\]]*)\]\([^()]*\)/g, '$1')
    .replace(/[`*_]+/g, '')
    .trim();
}

function frontmatterTitle(yaml: string): string | null {
  try {
    const data = parseYaml(yaml) as { title?: unknown } | null;
    return typeof data?.title === 'string' && data.title.trim() ? data.title.trim() : null;
  } catch {
    return null;
  }
}

export interface MarkdownOutline {
  /** Front-matter title, else the first level-1 heading. */
  title: string | null;
  sections: Section[];
}

/**
 * Splits Markdown (or MDX, with `mdx`) into sections by ATX and setext headings, each carrying
 * its heading path. Fenced code is kept whole and never mistaken for headings.
 */
export function markdownSections(source: string, { mdx = false } = {}): MarkdownOutline {
  let text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let title: string | null = null;
  const front = FRONTMATTER.exec(text);
  if (front) {
    title = frontmatterTitle(front[1] ?? '');
    text = text.slice(front[0].length);
  }

  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let lines: string[] = [];
  let fence: string | null = null;

  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) sections.push({ headings: stack.map((h) => h.text), text: body });
    lines = [];
  };
  const openHeading = (level: number, raw: string) => {
    flush();
    const heading = plainHeading(raw);
    while (stack.length > 0 && (stack.at(-1)?.level ?? 0) >= level) stack.pop();
    if (heading) stack.push({ level, text: heading });
    if (level === 1 && title === null && heading) title = heading;
  };

  for (const line of text.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      lines.push(line);
      if (fenceMatch?.[1] && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length)
        fence = null;
      continue;
    }
    if (fenceMatch?.[1]) {
      fence = fenceMatch[1];
      lines.push(line);
      continue;
    }
    if (mdx && MDX_STATEMENT.test(line)) continue;
    const atx = ATX_HEADING.exec(line);
    if (atx) {
      openHeading(atx[1]?.length ?? 1, atxText(atx[2] ?? ''));
      continue;
    }
    const previous = lines.at(-1);
    const setext = SETEXT_UNDERLINE.exec(line);
    if (setext && previous?.trim() && !/^\s*([-*+]|\d+[.)])\s/.test(previous)) {
      lines.pop();
      openHeading(setext[1]?.startsWith('=') ? 1 : 2, previous);
      continue;
    }
    lines.push(line);
  }
  flush();
  return { title, sections };
}
