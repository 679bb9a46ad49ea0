import { For, Show } from 'solid-js';
import { safeHref } from '../markdown/render-tokens.ts';
import type { MergedSource } from './merge-sources.ts';
import { plainSnippet } from './plain-snippet.ts';

/** A search snippet marks matched terms as `**term**`: shown as <mark>, never as asterisks. */
function Highlighted(props: { text: string }) {
  return (
    <For each={props.text.split('**')}>
      {(part, i) => (i() % 2 === 1 ? <mark>{part}</mark> : part)}
    </For>
  );
}

/** The sources of one answer: each document once, with its passages and a link when it has one. */
export function SourcesPanel(props: {
  sources: MergedSource[];
  idOf: (index: number) => string;
  ref?: (el: HTMLDetailsElement) => void;
}) {
  return (
    <details class="sources" ref={props.ref}>
      <summary class="badge badge-sources" data-testid="assistant-badge">
        Grounded · {props.sources.length} {props.sources.length === 1 ? 'source' : 'sources'}
      </summary>
      <ol class="sources-list" data-testid="assistant-sources-popover" aria-label="Sources">
        <For each={props.sources}>
          {(s, i) => (
            <li id={props.idOf(i())} tabIndex={-1} class="source">
              <div class="source-head">
                <span class="source-numbers">{s.numbers.map((n) => `[${n}]`).join('')}</span>{' '}
                <Show when={s.url && safeHref(s.url)} fallback={<strong>{s.title}</strong>}>
                  {(href) => (
                    <a href={href()} target="_blank" rel="noopener noreferrer">
                      <strong>{s.title}</strong>
                    </a>
                  )}
                </Show>
              </div>
              <code class="source-path">{s.path}</code>
              <For each={s.snippets}>
                {(snippet) => (
                  <p class="source-snippet">
                    <Highlighted text={plainSnippet(snippet)} />
                  </p>
                )}
              </For>
            </li>
          )}
        </For>
      </ol>
    </details>
  );
}
