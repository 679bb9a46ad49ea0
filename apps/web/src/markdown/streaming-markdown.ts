import type { Token, TokensList } from 'marked';
import { type RenderContext, renderBlock, renderBlocks } from './render-tokens.ts';

export type Lex = (src: string) => TokensList | Token[];

interface Block {
  raw: string;
  nodes: Node[];
}

/**
 * Renders a growing Markdown answer into `container` in work proportional to what arrived, not
 * to the whole answer: blocks the lexer has closed (a later block has begun) are rendered once
 * and kept; only the text from the start of the last open block is lexed and rendered again.
 * `finish` lexes the whole answer once, so the final DOM is exactly the full parse.
 */
export class StreamingMarkdown {
  #closed: Block[] = [];
  #closedEnd = 0;
  #tail: Node[] = [];
  /** Characters handed to the lexer so far (what a test measures for linear work). */
  lexedChars = 0;

  readonly container: HTMLElement;
  readonly lex: Lex;
  readonly ctx: RenderContext;

  constructor(container: HTMLElement, lex: Lex, ctx: RenderContext) {
    this.container = container;
    this.lex = lex;
    this.ctx = ctx;
  }

  #lex(src: string): Token[] {
    this.lexedChars += src.length;
    return this.lex(src);
  }

  /** Shows `text`, which normally extends what was shown before. */
  update(text: string): void {
    // An answer only grows while it streams, or starts over (a fallback replaying from scratch).
    if (text.length < this.#closedEnd) this.#reset();
    const tokens = this.#lex(text.slice(this.#closedEnd));
    // The last block that is not spacing may still grow into something else (a paragraph into
    // a setext heading, a list gaining items, a fence closing): keep it open with what follows.
    let open = tokens.length;
    for (let i = tokens.length - 1; i >= 0; i--) {
      if (tokens[i]?.type !== 'space') {
        open = i;
        break;
      }
    }
    for (const token of tokens.slice(0, open)) {
      const nodes = renderBlock(token, this.ctx);
      this.#insert(nodes);
      this.#closed.push({ raw: token.raw, nodes });
      this.#closedEnd += token.raw.length;
    }
    // The open block may still change its heading depth ("#" becoming "##"): it must not fix
    // the answer's first heading depth, which closed blocks and `finish` do.
    const firstHeadingDepth = this.ctx.firstHeadingDepth;
    this.#replaceTail(renderBlocks(tokens.slice(open), this.ctx));
    this.ctx.firstHeadingDepth = firstHeadingDepth;
  }

  /** The answer is complete: render it as one parse of the whole text. */
  finish(text: string): void {
    const tokens = this.#lex(text) as TokensList;
    const sameStart =
      Object.keys(tokens.links ?? {}).length === 0 &&
      this.#closed.every((block, i) => tokens[i]?.raw === block.raw);
    if (!sameStart) this.#reset();
    this.#replaceTail(renderBlocks(tokens.slice(this.#closed.length), this.ctx));
  }

  #insert(nodes: Node[]): void {
    const before = this.#tail[0] ?? null;
    for (const node of nodes) this.container.insertBefore(node, before);
  }

  #replaceTail(nodes: Node[]): void {
    for (const node of this.#tail) node.parentNode?.removeChild(node);
    this.#tail = nodes;
    this.container.append(...nodes);
  }

  #reset(): void {
    this.container.replaceChildren();
    this.#closed = [];
    this.#closedEnd = 0;
    this.#tail = [];
    this.ctx.firstHeadingDepth = undefined;
  }
}
