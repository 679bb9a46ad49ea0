/**
 * A source snippet is a window of a Markdown document, cut anywhere (mid-table, mid-fence), so it
 * is shown as plain text with the Markdown syntax taken out rather than rendered. `**` pairs are
 * kept: they are the search's highlight marks (see SourcesPanel).
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Table delimiter rows: |---|:---:|
  [/\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?/g, ' '],
  // Code fences with their language, then any backtick run.
  [/(?:`{3,}|~{3,})[\w+-]*/g, ' '],
  [/`+/g, ''],
  // Images and links keep their text; HTML tags go.
  [/!\[([^\]\n]*)\]\([^)\n]*\)/g, '$1'],
  [/\[([^\]\n]+)\]\([^)\n]*\)/g, '$1'],
  [/\[([^\]\n]+)\]\[[^\]\n]*\]/g, '$1'],
  [/<\/?[a-z][^<>\n]*>/gi, ''],
  // Line starts: headings, quotes, list and task markers.
  [/^[ \t]*#{1,6}[ \t]+/gm, ''],
  [/^[ \t]*(?:>[ \t]?)+/gm, ''],
  [/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/gm, ''],
  [/(^|\s)\[[ xX]\](?=\s)/g, '$1'],
  // Headings met mid-text (the window began inside a line): `## Title` after a space.
  [/(^|\s)#{1,6}(?=\s)/g, '$1'],
  // Emphasis other than the highlight marks: *a*, _a_, __a__, ~~a~~.
  [/(^|[^\w*])__(?=\S)([^_\n]*?\S)__(?!\w)/g, '$1$2'],
  [/(^|[^\w*])([*_])(?=[^\s*])([^*_\n]*?[^\s*])\2(?![\w*])/g, '$1$3'],
  [/~~(?=\S)([^~\n]*?\S)~~/g, '$1'],
  // Table cell borders: a separator between cells, none at a row's ends.
  [/[ \t]*\|[ \t]*/g, ' · '],
  [/(?:^|\n)[ \t]*·[ \t]*|[ \t]*·[ \t]*(?=\n|$)/g, '\n'],
];

/** A backslash-escaped character: the character itself, untouched by the rules above. */
const ESCAPED = /\\([\\`*_{}[\]()#+\-.!|~>])/g;
const HELD = '\uE002';

/** A snippet is a few dozen words; a longer one is cut, so no input makes the rules slow. */
const MAX_LENGTH = 2_000;

export function plainSnippet(markdown: string): string {
  const held: string[] = [];
  let text = markdown
    .slice(0, MAX_LENGTH)
    .replaceAll(HELD, '')
    .replace(ESCAPED, (_, c: string) => {
      held.push(c);
      return HELD;
    });
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  let i = 0;
  return text
    .replace(/\s+/g, ' ')
    .replace(/·(?: ·)+/g, '·')
    .trim()
    .replaceAll(HELD, () => held[i++] ?? '');
}
