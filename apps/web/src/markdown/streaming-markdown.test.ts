import { Lexer } from 'marked';
import { describe, expect, it } from 'vitest';
import { safeHref } from './render-tokens.ts';
import { StreamingMarkdown } from './streaming-markdown.ts';

const lex = (src: string) => Lexer.lex(src, { gfm: true });
const context = () => ({ citationHref: (n: number) => (n <= 2 ? `#src-${n}` : null) });

function rendered(markdown: string, chunk = 0): HTMLElement {
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, lex, context());
  if (chunk > 0) {
    for (let i = chunk; i < markdown.length; i += chunk) md.update(markdown.slice(0, i));
  }
  md.finish(markdown);
  return container;
}

const SAMPLE = [
  '## Setup',
  '',
  'Set **PORT** and *HOST*, see [the docs](https://example.com/docs) [1].',
  '',
  '- one',
  '- two',
  '',
  '| key | value |',
  '|:---|---:|',
  '| a | 1 |',
  '',
  '```ts',
  'const a = 1 < 2;',
  '```',
  '',
  '> quoted',
].join('\n');

describe('StreamingMarkdown', () => {
  it('renders headings, emphasis, links, lists, tables and code blocks as elements', () => {
    const html = rendered(SAMPLE);
    expect(html.querySelector('h3')?.textContent).toBe('Setup');
    expect(html.querySelector('strong')?.textContent).toBe('PORT');
    expect(html.querySelector('em')?.textContent).toBe('HOST');
    expect(html.querySelectorAll('ul > li')).toHaveLength(2);
    expect(html.querySelector('th')?.className).toBe('align-left');
    expect(html.querySelector('td + td')?.className).toBe('align-right');
    expect(html.querySelector('.code-lang')?.textContent).toBe('ts');
    expect(html.querySelector('pre code')?.textContent).toBe('const a = 1 < 2;');
    expect(html.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    const link = html.querySelector<HTMLAnchorElement>('a[target]');
    expect(link?.getAttribute('href')).toBe('https://example.com/docs');
    expect(link?.rel).toBe('noopener noreferrer');
    expect(html.textContent).not.toMatch(/\*\*|##|```|\|/);
    // The CSP forbids style attributes: alignment is a class.
    expect(html.querySelector('[style]')).toBeNull();
  });

  it('renders the same DOM streamed in small pieces as in one go', () => {
    for (const chunk of [1, 3, 7])
      expect(rendered(SAMPLE, chunk).innerHTML).toBe(rendered(SAMPLE).innerHTML);
  });

  it('starts an answer’s headings at h3 and keeps their steps', () => {
    const html = rendered('### First\n\n#### Second\n\n# Shallower');
    expect([...html.querySelectorAll('h3, h4, h5, h6')].map((h) => h.tagName)).toEqual([
      'H3',
      'H4',
      'H3',
    ]);
  });

  it('shows raw HTML as text and never creates its elements', () => {
    const html = rendered(
      '<img src=x onerror="alert(1)">\n\nHi <script>alert(1)</script> <b onclick="x()">b</b>',
    );
    expect(html.querySelector('img, script, b, [onerror], [onclick]')).toBeNull();
    expect(html.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(html.textContent).toContain('<script>alert(1)</script>');
  });

  it('keeps only safe link targets', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\nscript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      '/relative',
    ]) {
      expect(safeHref(bad)).toBeNull();
    }
    expect(safeHref('https://example.com/a b')).toBe('https://example.com/a%20b');
    const html = rendered('[x](javascript:alert(1)) and <javascript:alert(1)>');
    expect(html.querySelector('a')).toBeNull();
    expect(html.querySelector('.link-blocked')?.textContent).toBe('x');
  });

  it('shows GFM task items as disabled checkboxes, never as literal [ ] markers', () => {
    for (const source of ['- [ ] write\n- [x] ship', '- [ ] write\n\n- [x] ship']) {
      const html = rendered(source);
      const boxes = [
        ...html.querySelectorAll<HTMLInputElement>(
          'li.task-item > input, li.task-item > p > input',
        ),
      ];
      expect(boxes.map((b) => [b.type, b.checked, b.disabled])).toEqual([
        ['checkbox', false, true],
        ['checkbox', true, true],
      ]);
      expect(html.textContent).not.toContain('[');
      expect([...html.querySelectorAll('li')].map((li) => li.textContent?.trim())).toEqual([
        'write',
        'ship',
      ]);
    }
  });

  it('turns [n] markers of existing sources into links to them', () => {
    const html = rendered('As said [1][2], not [3].');
    const cites = [...html.querySelectorAll<HTMLAnchorElement>('a.citation')];
    expect(cites.map((a) => a.getAttribute('href'))).toEqual(['#src-1', '#src-2']);
    expect(html.textContent).toBe('As said [1][2], not [3].');
  });

  it('does work linear in the answer length while streaming', () => {
    const paragraph = (i: number) => `Paragraph ${i} has **bold** text and \`code\` in it.\n\n`;
    const work = (paragraphs: number) => {
      const text = Array.from({ length: paragraphs }, (_, i) => paragraph(i)).join('');
      const md = new StreamingMarkdown(document.createElement('div'), lex, context());
      for (let i = 4; i <= text.length; i += 4) md.update(text.slice(0, i));
      return md.lexedChars;
    };
    const small = work(100);
    const large = work(400);
    // Re-lexing the whole answer per update would grow 16 times for 4 times the text.
    expect(large / small).toBeLessThan(5);
  });
});
