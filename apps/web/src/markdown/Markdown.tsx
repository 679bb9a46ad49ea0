import { createEffect, createSignal, onCleanup, onMount } from 'solid-js';
import type { RenderContext } from './render-tokens.ts';
import { type Lex, StreamingMarkdown } from './streaming-markdown.ts';

let lexer: Promise<Lex> | undefined;
let loaded: Lex | undefined;

/** The Markdown lexer, loaded on first use so it stays out of the first-load bundle. */
export function loadLexer(): Promise<Lex> {
  lexer ??= import('marked').then(({ Lexer }) => {
    loaded = (src: string) => Lexer.lex(src, { gfm: true });
    return loaded;
  });
  return lexer;
}

export interface MarkdownProps {
  text: string;
  /** While true, updates are batched per animation frame and only the open block is redone. */
  streaming: boolean;
  ctx: RenderContext;
}

/** An answer as Markdown. Until the lexer has loaded the text shows as it is. */
export function Markdown(props: MarkdownProps) {
  let container!: HTMLDivElement;
  // Once loaded, at once (a new answer never shows its raw markers); before, each answer renders
  // in a task of its own when the lexer arrives, so a restored long conversation is a series of
  // short tasks, not one long one.
  const [lex, setLex] = createSignal<Lex | undefined>(loaded);
  let renderer: StreamingMarkdown | undefined;
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  onMount(() => {
    if (!lex()) void loadLexer().then((fn) => (timer = setTimeout(() => setLex(() => fn), 0)));
  });
  onCleanup(() => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  });

  createEffect(() => {
    const text = props.text;
    const streaming = props.streaming;
    const fn = lex();
    if (!fn) {
      container.textContent = text;
      return;
    }
    if (!renderer) {
      container.textContent = '';
      renderer = new StreamingMarkdown(container, fn, props.ctx);
    }
    const r = renderer;
    cancelAnimationFrame(frame);
    if (!streaming) r.finish(text);
    // One render per frame however many tokens arrived in it.
    else frame = requestAnimationFrame(() => r.update(text));
  });

  return <div class="markdown" ref={container} />;
}
