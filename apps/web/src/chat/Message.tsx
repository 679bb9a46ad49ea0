import { createMemo, createSignal, Show } from 'solid-js';
import type { ChatMessage } from '../conversations/types.ts';
import { Markdown } from '../markdown/Markdown.tsx';
import type { RenderContext } from '../markdown/render-tokens.ts';
import { AUTH_REASONS } from '../session/auth-error.ts';
import { mergeSources } from '../sources/merge-sources.ts';
import { SourcesPanel } from '../sources/SourcesPanel.tsx';
import { SERVED_BY_LABELS } from '../status/vocabulary.ts';
import { Feedback, type SubmitFeedback } from './Feedback.tsx';
import { RetryButton } from './RetryButton.tsx';

export interface MessageActions {
  copy: (text: string) => Promise<void>;
  regenerate: () => void;
  edit: (id: string, text: string) => void;
  feedback: (id: string, rating: 'up' | 'down') => void;
  submitFeedback: SubmitFeedback;
  /** A `[n]` marker was followed (analytics: the source's rank, nothing else). */
  sourceOpened?: (rank: number) => void;
}

export function Message(props: {
  message: ChatMessage;
  /** The last answer of the conversation: it can be regenerated or retried. */
  last: boolean;
  /** Nothing can be asked again now (an answer is streaming, or the page is signed out). */
  busy: boolean;
  actions: MessageActions;
}) {
  const m = () => props.message;
  return (
    <article
      class={`message message-${m().role}`}
      aria-label={m().role === 'user' ? 'You' : 'Bastion'}
      data-status={m().status}
      // The log would read every re-rendered block aloud: wait until the answer is complete.
      aria-busy={m().status === 'streaming'}
    >
      <h2 class="sr-only">{m().role === 'user' ? 'You said' : 'Bastion said'}</h2>
      <Show when={m().role === 'user'} fallback={<Answer {...props} />}>
        <Question {...props} />
      </Show>
    </article>
  );
}

function Question(props: Parameters<typeof Message>[0]) {
  const [editing, setEditing] = createSignal(false);
  let field!: HTMLTextAreaElement;
  const save = () => {
    const text = field.value.trim();
    if (!text) return;
    setEditing(false);
    props.actions.edit(props.message.id, text);
  };
  return (
    <Show
      when={editing()}
      fallback={
        <>
          <p class="message-text">{props.message.content}</p>
          <div class="message-actions">
            <button
              type="button"
              class="button button-small button-quiet"
              data-testid="message-edit"
              disabled={props.busy}
              onClick={() => {
                setEditing(true);
                field.focus();
              }}
            >
              Edit
            </button>
          </div>
        </>
      }
    >
      <form
        class="message-edit"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <label class="sr-only" for={`edit-${props.message.id}`}>
          Edit your question
        </label>
        <textarea
          id={`edit-${props.message.id}`}
          ref={field}
          rows={3}
          maxLength={16000}
          value={props.message.content}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              save();
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              setEditing(false);
            }
          }}
        />
        <div class="message-actions">
          <button type="submit" class="button button-small button-primary">
            Save and ask
          </button>
          <button type="button" class="button button-small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}

function Answer(props: Parameters<typeof Message>[0]) {
  const m = () => props.message;
  const sources = createMemo(() => mergeSources(m().sources ?? []));
  const sourceId = (index: number) => `src-${m().id}-${index + 1}`;
  let details: HTMLDetailsElement | undefined;
  const [copied, setCopied] = createSignal(false);

  const ctx: RenderContext = {
    citationHref: (n) => {
      const index = sources().indexOf(n);
      return index === null ? null : `#${sourceId(index)}`;
    },
    onCitation: (n, event) => {
      const index = sources().indexOf(n);
      if (index === null || !details) return;
      event.preventDefault();
      details.open = true;
      props.actions.sourceOpened?.(n);
      document.getElementById(sourceId(index))?.focus();
    },
    copyText: props.actions.copy,
  };

  return (
    <>
      <Show
        when={m().content || m().status !== 'streaming'}
        fallback={<p class="typing">Thinking…</p>}
      >
        <Markdown text={m().content} streaming={m().status === 'streaming'} ctx={ctx} />
      </Show>
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
            title={guardrailsNote(m().guardrails)}
          >
            {guardrailsBadge(m().guardrails)}
          </span>
        </Show>
        <Show when={m().status === 'stopped'}>
          <span class="badge">Stopped</span>
        </Show>
      </div>
      <Show when={m().grounded && sources().merged.length > 0}>
        <SourcesPanel sources={sources().merged} idOf={sourceId} ref={(el) => (details = el)} />
      </Show>
      <Show when={m().error}>
        {(error) => (
          <div class="message-error" role="alert">
            <p>{error().message}</p>
            {/* A 401 is worth retrying too, once the reader has signed in. */}
            <Show
              when={
                props.last &&
                (error().retryable !== false || AUTH_REASONS.has(error().code)) &&
                !props.busy
              }
            >
              <RetryButton
                {...(error().retryAfterMs ? { retryAfterMs: error().retryAfterMs } : {})}
                onRetry={props.actions.regenerate}
              />
            </Show>
          </div>
        )}
      </Show>
      <Show when={m().status !== 'streaming'}>
        <div class="message-actions">
          <Show when={m().content}>
            <button
              type="button"
              class="button button-small button-quiet"
              data-testid="message-copy"
              onClick={() =>
                void props.actions.copy(m().content).then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                })
              }
            >
              {copied() ? 'Copied' : 'Copy'}
            </button>
          </Show>
          <Show when={props.last && !props.busy}>
            <button
              type="button"
              class="button button-small button-quiet"
              data-testid="message-regenerate"
              onClick={props.actions.regenerate}
            >
              Regenerate
            </button>
          </Show>
          <Show when={m().requestId && m().status === 'done'}>
            <Feedback
              answer={{ requestId: m().requestId as string, token: m().feedbackToken }}
              {...(m().feedback ? { rating: m().feedback } : {})}
              onRated={(rating) => props.actions.feedback(m().id, rating)}
              submit={props.actions.submitFeedback}
            />
          </Show>
        </div>
      </Show>
    </>
  );
}

type Guardrails = ChatMessage['guardrails'];

/**
 * A passage dropped from the sources is not the visitor's question being flagged: the badge says
 * which of the two happened.
 */
function guardrailsBadge(guardrails: Guardrails): string {
  if (guardrails?.blocked) return 'Blocked by guardrails';
  if (guardrails?.reason === 'indirect_injection_in_context') return 'A source was withheld';
  return 'Flagged by guardrails';
}

function guardrailsNote(guardrails: Guardrails): string {
  if (guardrails?.reason === 'indirect_injection_in_context') {
    return 'A retrieved passage read like instructions to the assistant and was left out of this answer';
  }
  return guardrails?.reason ?? '';
}
