import { convert, type FormatCallback } from 'html-to-text';
import { markdownSections } from './markdown.ts';
import type { Section } from './types.ts';

/** Headings come out as Markdown `#` lines so the Markdown sectioner keeps the heading path. */
function heading(level: number): FormatCallback {
  return (elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 2 });
    builder.addInline(`${'#'.repeat(level)} `);
    walk(elem.children, builder);
    builder.closeBlock({ trailingLineBreaks: 2 });
  };
}

const SKIPPED = ['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'head'];
const TITLE = /<title[^>]*>([^<]{1,500})<\/title>/i;

const options = {
  wordwrap: false as const,
  formatters: Object.fromEntries([1, 2, 3, 4, 5, 6].map((l) => [`h${l}`, heading(l)])),
  selectors: [
    ...SKIPPED.map((selector) => ({ selector, format: 'skip' })),
    ...[1, 2, 3, 4, 5, 6].map((l) => ({ selector: `h${l}`, format: `h${l}` })),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
};

export interface HtmlOutline {
  title: string | null;
  sections: Section[];
}

/** Visible text of an HTML page (no scripts, styles or markup), split by its headings. */
export function htmlSections(html: string): HtmlOutline {
  const text = convert(html, options);
  const outline = markdownSections(text);
  const titleTag = TITLE.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  return { title: titleTag || outline.title, sections: outline.sections };
}
