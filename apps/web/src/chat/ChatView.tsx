import type { StatusSummary } from '@bastion/api';
import {
  createMemo,
  createSignal,
  For,
  type JSX,
  onCleanup,
  onMount,
  type Resource,
  Show,
} from 'solid-js';
import type { ChatStore } from './chat-store.ts';
import { EmptyState } from './EmptyState.tsx';
import { followScroll } from './follow-scroll.ts';
import { Message, type MessageActions } from './Message.tsx';

export interface ChatViewProps {
  store: ChatStore;
  /** The question box's text to begin with. */
  draft?: string;
  /** The caret, when the reader was typing into the static question box this one replaces. */
  draftCaret?: { start: number; end: number };
  /** The collections the caller may read (a picker when there are several). */
  collections: Resource<{ id: string }[]>;
  rag: () => StatusSummary['rag'] | undefined;
  /** A PUBLIC_CHAT guest, who may not read the summary. */
  guest?: () => boolean;
  /**
   * False while the page cannot ask (signed out): a question then waits in its box and the
   * sign-in form (`gate`) takes the focus, rather than going out to be refused.
   */
  mayAsk?: () => boolean;
  /** The empty state's starter questions; undefined while they load. */
  starters: () => readonly string[] | undefined;
  actions: Omit<MessageActions, 'regenerate' | 'edit' | 'feedback'>;
  /** Shown instead of the empty state (e.g. the sign-in form). */
  gate?: () => JSX.Element | undefined;
  /** index.html's static empty state, shown in place of the app's own until it is drawn. */
  emptyStateShell?: HTMLElement;
}

export function ChatView(props: ChatViewProps) {
  const { store } = props;
  const [draft, setDraft] = createSignal(props.draft ?? '');
  const [following, setFollowing] = createSignal(true);
  let input!: HTMLTextAreaElement;
  let scroller!: HTMLDivElement;
  let content!: HTMLDivElement;
  let follow = () => {};

  const messages = () => store.messages();
  const last = createMemo(() => messages().at(-1));
  const announcement = createMemo(() => {
    const m = last();
    if (m?.role !== 'assistant') return '';
    if (m.status === 'streaming') return 'Generating…';
    return m.status === 'error' ? 'Response failed' : 'Response complete';
  });
  const mirror = createMemo(() => {
    const m = last();
    return m?.role === 'assistant' ? m.content : '';
  });

  const mayAsk = () => props.mayAsk?.() !== false;
  const ask = (text: string) => {
    if (!text.trim() || store.state.busy) return;
    if (!mayAsk()) {
      document.querySelector<HTMLElement>('[data-testid="signin-key"]')?.focus();
      return;
    }
    setDraft('');
    follow();
    void store.send(text);
  };

  const actions: MessageActions = {
    ...props.actions,
    regenerate: () => {
      follow();
      void store.regenerate();
    },
    edit: (id, text) => {
      follow();
      void store.edit(id, text).then(() => input.focus());
    },
    feedback: (id, rating) => store.setFeedback(id, rating),
  };

  onMount(() => {
    // Keys typed between the static box's removal and the autofocus would be lost.
    if (props.draftCaret) {
      input.focus();
      input.setSelectionRange(props.draftCaret.start, props.draftCaret.end);
    }
    const scroll = followScroll(scroller, content, setFollowing);
    follow = scroll.follow;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && store.state.busy) {
        store.stop();
        input.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    onCleanup(() => {
      scroll.dispose();
      document.removeEventListener('keydown', onKey);
    });
  });

  return (
    <section class="chat" aria-label="Chat">
      <div class="transcript-scroller" ref={scroller}>
        <div
          class="transcript"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          ref={content}
        >
          <Show
            when={messages().length > 0}
            fallback={
              props.gate?.() ??
              props.emptyStateShell ?? (
                <EmptyState
                  rag={props.rag}
                  guest={props.guest}
                  starters={props.starters}
                  onAsk={ask}
                />
              )
            }
          >
            <For each={messages()}>
              {(message, i) => (
                <Message
                  message={message}
                  last={i() === messages().length - 1}
                  // Nothing can be asked again while an answer streams or the page is signed out.
                  busy={store.state.busy || !mayAsk()}
                  actions={actions}
                />
              )}
            </For>
            {props.gate?.()}
          </Show>
        </div>
      </div>
      <Show when={!following() && store.state.busy}>
        <button type="button" class="button button-small jump-newest" onClick={() => follow()}>
          Jump to the newest text ↓
        </button>
      </Show>
      <div class="sr-only" role="status">
        {announcement()}
      </div>
      <div class="sr-only" data-testid="assistant-output">
        {mirror()}
      </div>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          ask(draft());
        }}
      >
        {/* Above the composer's top edge, over the transcript's reserved end: the list may arrive
            after the question box is drawn, and nothing on the page moves when it does. */}
        <Show when={(props.collections()?.length ?? 0) > 1}>
          <div class="composer-options">
            <label for="collection-picker">Collection</label>
            <select
              id="collection-picker"
              class="collection-picker"
              data-testid="collection-picker"
              onChange={(e) => store.setCollection(e.currentTarget.value || null)}
            >
              {/* Chosen per option, not by the select's value: a value set before its option is
                rendered (the list arrives later) would be dropped. */}
              <option value="" selected={!store.state.collection}>
                Default collection
              </option>
              <For each={props.collections()}>
                {(c) => (
                  <option value={c.id} selected={c.id === store.state.collection}>
                    {c.id}
                  </option>
                )}
              </For>
            </select>
          </div>
        </Show>
        <label class="sr-only" for="assistant-input">
          Ask Bastion
        </label>
        <span id="composer-hint" class="sr-only">
          Enter sends, Shift+Enter starts a new line, Escape stops an answer.
        </span>
        <textarea
          id="assistant-input"
          ref={input}
          data-testid="assistant-input"
          rows={2}
          maxLength={16000}
          placeholder="Ask about the knowledge base…"
          aria-describedby="composer-hint"
          // The browser focuses it with the first frame: a focus() call here would force a
          // layout of the whole page inside the start-up task.
          autofocus
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              ask(draft());
            }
          }}
        />
        <Show
          when={store.state.busy}
          fallback={
            <button
              type="submit"
              class="button button-primary"
              data-testid="assistant-send"
              disabled={!draft().trim()}
            >
              Send
            </button>
          }
        >
          <button
            type="button"
            class="button"
            data-testid="assistant-stop"
            aria-keyshortcuts="Escape"
            onClick={() => {
              store.stop();
              input.focus();
            }}
          >
            Stop
          </button>
        </Show>
      </form>
    </section>
  );
}
