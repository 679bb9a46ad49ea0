import type { MarkedToken, Token, Tokens } from 'marked';

/**
 * Markdown tokens to DOM nodes, built with createElement and text nodes only: nothing is ever
 * parsed as HTML, so raw HTML from a model or a document shows as text, and no attribute comes
 * from the answer except a checked link `href` and a language label's text.
 */
export interface RenderContext {
  /** The anchor of source `n` (1-based) of this answer, or null when it has none. */
  citationHref: (n: number) => string | null;
  /** Called when a `[n]` marker is activated (opens the sources popover). */
  onCitation?: (n: number, event: MouseEvent) => void;
  /** Copies a code block's text; the page gives the clipboard, tests a spy. */
  copyText?: (text: string) => Promise<void>;
  /** The depth of the answer's first heading, set when it is rendered (see `headingLevel`). */
  firstHeadingDepth?: number;
}

/**
 * Each message carries a (visually hidden) h2, so an answer's headings start at h3 whatever depth
 * the model began with, and keep their relative steps: heading levels never skip on the page.
 */
function headingLevel(depth: number, ctx: RenderContext): 3 | 4 | 5 | 6 {
  ctx.firstHeadingDepth ??= depth;
  return Math.min(6, Math.max(3, 3 + depth - ctx.firstHeadingDepth)) as 3 | 4 | 5 | 6;
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** A link target the page may follow: absolute http(s) or mailto only, as the URL parser sees it. */
export function safeHref(href: string): string | null {
  try {
    // The URL parser strips tabs and newlines and lowercases the scheme, as a browser would:
    // `java\nscript:` and `JAVASCRIPT:` are judged by what they would become.
    const url = new URL(href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

const text = (s: string) => document.createTextNode(s);

const CITATION = /\[(\d{1,3})\]/g;

/** Plain text with `[n]` markers turned into links to the answer's sources. */
function textWithCitations(s: string, ctx: RenderContext): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const match of s.matchAll(CITATION)) {
    const n = Number(match[1]);
    const href = ctx.citationHref(n);
    if (!href) continue;
    if (match.index > last) out.push(text(s.slice(last, match.index)));
    const a = el('a', 'citation', text(`[${n}]`));
    a.href = href;
    a.setAttribute('aria-label', `Source ${n}`);
    const onCitation = ctx.onCitation;
    if (onCitation) a.addEventListener('click', (e) => onCitation(n, e));
    out.push(a);
    last = match.index + match[0].length;
  }
  if (last < s.length) out.push(text(s.slice(last)));
  return out;
}

function link(href: string, children: Node[]): Node {
  const safe = safeHref(href);
  if (!safe) return el('span', 'link-blocked', ...children);
  const a = el('a', undefined, ...children);
  a.href = safe;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

export function renderInline(tokens: Token[] | undefined, ctx: RenderContext): Node[] {
  const out: Node[] = [];
  // The lexer splits `[1]` into several text tokens when no such reference exists; joining
  // neighbouring plain text lets the citation markers be seen whole.
  let pending = '';
  const flush = () => {
    if (pending) out.push(...textWithCitations(pending, ctx));
    pending = '';
  };
  for (const token of tokens ?? []) {
    const t = token as Tokens.Generic;
    if (t.type === 'text' && !t.tokens) {
      // `raw`: the tokenizer's `text` is HTML-escaped for its own renderer.
      pending += t.escaped ? t.text : t.raw;
      continue;
    }
    if (t.type === 'escape' || (t.type === 'html' && !t.block)) {
      pending += t.type === 'escape' ? t.text : t.raw;
      continue;
    }
    flush();
    out.push(...renderInlineToken(token, ctx));
  }
  flush();
  return out;
}

function renderInlineToken(generic: Token, ctx: RenderContext): Node[] {
  const token = generic as MarkedToken;
  switch (token.type) {
    case 'strong':
      return [el('strong', undefined, ...renderInline(token.tokens, ctx))];
    case 'em':
      return [el('em', undefined, ...renderInline(token.tokens, ctx))];
    case 'del':
      return [el('del', undefined, ...renderInline(token.tokens, ctx))];
    case 'codespan':
      return [el('code', undefined, text(token.text))];
    case 'br':
      return [el('br')];
    case 'link':
      return [link(token.href, renderInline(token.tokens, ctx))];
    case 'image':
      // Remote images are not loaded (img-src 'self'); the alternative text links to it instead.
      return [link(token.href, [text(token.text || token.href)])];
    case 'checkbox':
      return [taskBox(token.checked)];
    case 'text':
      return renderInline(token.tokens, ctx);
    default:
      return [text(token.raw)];
  }
}

/**
 * A GFM task item's `[ ]` / `[x]`: a disabled checkbox (the page shows the answer's state, the
 * reader cannot change it), named by its state since the item's text follows it.
 */
function taskBox(checked: boolean): Node {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.className = 'task-box';
  box.checked = checked;
  box.disabled = true;
  box.setAttribute('aria-label', checked ? 'Done' : 'Not done');
  return box;
}

function codeBlock(token: Tokens.Code, ctx: RenderContext): Node {
  const lang = (token.lang ?? '').trim().split(/\s/)[0]?.slice(0, 32) ?? '';
  const code = el('code', undefined, text(token.text));
  const copy = el('button', 'code-copy', text('Copy'));
  copy.type = 'button';
  copy.setAttribute('aria-label', lang ? `Copy ${lang} code` : 'Copy code');
  copy.addEventListener('click', () => {
    void (ctx.copyText ?? ((s) => navigator.clipboard.writeText(s)))(token.text).then(
      () => {
        copy.textContent = 'Copied';
        setTimeout(() => (copy.textContent = 'Copy'), 1500);
      },
      () => (copy.textContent = 'Copy failed'),
    );
  });
  const bar = el('div', 'code-bar', el('span', 'code-lang', text(lang || 'text')), copy);
  // A scrollable region must be reachable by keyboard.
  const pre = el('pre', undefined, code);
  pre.tabIndex = 0;
  return el('div', 'code-block', bar, pre);
}

function table(token: Tokens.Table, ctx: RenderContext): Node {
  const cell = (c: Tokens.TableCell, tag: 'th' | 'td') => {
    const node = el(tag, c.align ? `align-${c.align}` : undefined, ...renderInline(c.tokens, ctx));
    if (tag === 'th') node.scope = 'col';
    return node;
  };
  const head = el(
    'thead',
    undefined,
    el('tr', undefined, ...token.header.map((c) => cell(c, 'th'))),
  );
  const body = el(
    'tbody',
    undefined,
    ...token.rows.map((row) => el('tr', undefined, ...row.map((c) => cell(c, 'td')))),
  );
  const wrap = el('div', 'table-wrap', el('table', undefined, head, body));
  wrap.tabIndex = 0;
  return wrap;
}

function list(token: Tokens.List, ctx: RenderContext): Node {
  const node = el(token.ordered ? 'ol' : 'ul');
  if (token.ordered && typeof token.start === 'number' && token.start !== 1) {
    (node as HTMLOListElement).start = token.start;
  }
  for (const item of token.items)
    node.append(el('li', item.task ? 'task-item' : undefined, ...renderBlocks(item.tokens, ctx)));
  return node;
}

/** One block token as DOM nodes (none for spacing and link definitions). */
export function renderBlock(generic: Token, ctx: RenderContext): Node[] {
  const token = generic as MarkedToken;
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'paragraph':
      return [el('p', undefined, ...renderInline(token.tokens, ctx))];
    case 'heading':
      return [
        el(`h${headingLevel(token.depth, ctx)}`, undefined, ...renderInline(token.tokens, ctx)),
      ];
    case 'code':
      return [codeBlock(token, ctx)];
    case 'table':
      return [table(token, ctx)];
    case 'hr':
      return [el('hr')];
    case 'checkbox':
      // A tight task item's marker comes as a block of its own, before the item's text.
      return [taskBox(token.checked)];
    case 'blockquote':
      return [el('blockquote', undefined, ...renderBlocks(token.tokens, ctx))];
    case 'list':
      return [list(token, ctx)];
    case 'text':
      // A tight list item's text: inline content without a paragraph.
      return token.tokens ? renderInline(token.tokens, ctx) : textWithCitations(token.raw, ctx);
    case 'html':
      // Raw HTML is shown as what it is, never interpreted.
      return [el('p', 'raw-html', text(token.raw.trim()))];
    default:
      return [text(token.raw)];
  }
}

export function renderBlocks(tokens: Token[], ctx: RenderContext): Node[] {
  return tokens.flatMap((t) => renderBlock(t, ctx));
}
