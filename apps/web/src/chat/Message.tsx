import { For, Show } from 'solid-js';
import type { ChatMessage } from './chat-store.ts';

const SERVED_BY_LABELS = {
  primary: 'Primary model',
  fallback: 'Fallback model',
  extractive: 'Knowledge base (offline)',
  guardrails: 'Guardrails',
} as const;

export function Message(props: { message: ChatMessage }) {
  const m = () => props.message;
  return (
    <article
      class={`message message-${m().role}`}
      aria-label={m().role === 'user' ? 'You' : 'Bastion'}
    >
      <div class="message-body">{m().content}</div>
      <Show when={m().role === 'assistant'}>
        <div class="message-meta">
          <Show when={m().servedBy}>
            {(servedBy) => (
              <span class="badge" data-testid="served-by" data-served-by={servedBy()}>
                {SERVED_BY_LABELS[servedBy()]}
              </span>
            )}
          </Show>
          <Show when={m().guardrails?.flagged}>
            <span
              class="badge badge-warn"
              data-testid="guardrails-badge"
              title={m().guardrails?.reason ?? ''}
            >
              {m().guardrails?.blocked ? 'Blocked by guardrails' : 'Flagged by guardrails'}
            </span>
          </Show>
          <Show when={m().grounded && (m().sources?.length ?? 0) > 0}>
            <details class="sources">
              <summary data-testid="assistant-badge">Sources ({m().sources?.length})</summary>
              <ol data-testid="assistant-sources-popover">
                <For each={m().sources}>
                  {(s) => (
                    <li>
                      <Show when={s.url} fallback={<span>{s.title}</span>}>
                        <a href={s.url} rel="noopener noreferrer">
                          {s.title}
                        </a>
                      </Show>{' '}
                      <code>{s.path}</code>
                    </li>
                  )}
                </For>
              </ol>
            </details>
          </Show>
          <Show when={m().status === 'stopped'}>
            <span class="badge">Stopped</span>
          </Show>
        </div>
        <Show when={m().error}>
          {(error) => (
            <p class="message-error" role="alert">
              {error().message}
            </p>
          )}
        </Show>
      </Show>
    </article>
  );
}
