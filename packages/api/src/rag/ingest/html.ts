import { Tokenizer } from 'htmlparser2';
import { markdownSections } from './markdown.ts';
import type { Section } from './types.ts';

/** Elements whose content is never visible text. */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'head',
]);
/** Elements that sit on lines of their own (the rest run inline). */
const BLOCKS = new Set(
  'address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption figure footer form header hr li main nav ol p pre section summary table tbody tfoot thead tr ul'.split(
    ' ',
  ),
);
const CELLS = new Set(['td', 'th']);
const HEADING = /^h[1-6]$/;
const HTML_WHITESPACE = /[ \t\n\f\r]+/g;
const MAX_TITLE_CHARS = 500;

export interface HtmlOutline {
  title: string | null;
  sections: Section[];
}

/**
 * Visible text of an HTML page (no scripts, styles or markup), split by its headings, which come
 * out as Markdown `#` lines so the Markdown sectioner keeps the heading path.
 *
 * Built on htmlparser2's tokenizer, not a tree: a parser's open-element stack costs time per
 * level on every tag (deeply nested or unclosed markup made extraction quadratic), while here the
 * only state is a count of open elements per kind, so extraction is linear in the page's length.
 */
export function htmlSections(html: string): HtmlOutline {
  const out: string[] = [];
  let breaks = 0; // line breaks owed before the next text (a blank line at most)
  let space = false; // a space owed before the next text
  let lineStart = true;
  let heading = false;
  let pre = 0;
  let skipped = 0;
  const open = new Map<string, number>(); // skipped elements open, by name
  let lastOpened = '';
  let title: string[] | null = null;
  let titleDone = false;

  const pay = () => {
    if (breaks > 0 && out.length > 0) {
      out.push(heading ? ' ' : '\n'.repeat(breaks));
      lineStart = !heading;
    } else if (space && !lineStart) {
      out.push(' ');
    }
    breaks = 0;
    space = false;
  };
  const lineBreak = (count: number) => {
    breaks = Math.max(breaks, count);
  };
  const text = (raw: string) => {
    if (title && !titleDone) title.push(raw);
    if (skipped > 0 || raw === '') return;
    if (pre > 0) {
      pay();
      out.push(heading ? raw.replace(/[\r\n]/g, ' ') : raw);
      lineStart = raw.endsWith('\n');
      return;
    }
    const collapsed = raw.replace(HTML_WHITESPACE, ' ');
    const start = collapsed.startsWith(' ') ? 1 : 0;
    const end = collapsed.length > start && collapsed.endsWith(' ') ? -1 : undefined;
    const words = collapsed.slice(start, end);
    if (start) space = true;
    if (words) {
      pay();
      out.push(words);
      lineStart = false;
    }
    if (end) space = true;
  };
  const openElement = (name: string) => {
    lastOpened = name;
    if (name === 'body') {
      // <body> implies </head> even where the page never wrote it.
      skipped -= open.get('head') ?? 0;
      open.delete('head');
    }
    if (SKIPPED.has(name)) {
      open.set(name, (open.get(name) ?? 0) + 1);
      skipped++;
    }
    if (name === 'title' && !titleDone) title = [];
    if (skipped > 0) return;
    if (HEADING.test(name) && !heading) {
      lineBreak(2);
      pay();
      out.push(`${'#'.repeat(Number(name[1]))} `);
      heading = true;
      lineStart = false;
    } else if (name === 'pre') {
      lineBreak(2);
      pre++;
    } else if (name === 'p') {
      lineBreak(2);
    } else if (BLOCKS.has(name)) {
      lineBreak(1);
    } else if (CELLS.has(name)) {
      space = true;
    }
  };
  const closeElement = (name: string) => {
    const count = open.get(name) ?? 0;
    if (count > 0) {
      open.set(name, count - 1);
      skipped--;
    }
    if (name === 'title' && title) titleDone = true;
    if (skipped > 0) return;
    if (HEADING.test(name) && heading) {
      heading = false;
      lineBreak(2);
    } else if (name === 'pre' && pre > 0) {
      pre--;
      lineBreak(2);
    } else if (name === 'p') {
      lineBreak(2);
    } else if (BLOCKS.has(name)) {
      lineBreak(1);
    }
  };

  const nameAt = (start: number, end: number) => html.slice(start, end).toLowerCase();
  const ignore = () => {};
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
      onopentagname: (start, end) => openElement(nameAt(start, end)),
      onclosetag: (start, end) => closeElement(nameAt(start, end)),
      // `<svg/>` opens nothing.
      onselfclosingtag: () => {
        if (SKIPPED.has(lastOpened)) closeElement(lastOpened);
      },
      onopentagend: ignore,
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      onattribname: ignore,
      oncdata: ignore,
      oncomment: ignore,
      ondeclaration: ignore,
      onprocessinginstruction: ignore,
      onend: ignore,
    },
  );
  tokenizer.write(html);
  tokenizer.end();

  const outline = markdownSections(out.join(''));
  const titleText = (title ?? [])
    .join('')
    .replace(HTML_WHITESPACE, ' ')
    .trim()
    .slice(0, MAX_TITLE_CHARS);
  return { title: titleText || outline.title, sections: outline.sections };
}
