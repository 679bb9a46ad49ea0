import { createSignal, For, Show } from 'solid-js';
import type { ChatStore } from '../chat/chat-store.ts';
import { downloadMarkdown } from './export.ts';

/** Past chats, kept in this browser: open, rename, export, delete; new chat and clear all. */
export function ConversationList(props: { store: ChatStore; onChosen?: () => void }) {
  const { store } = props;
  const [renaming, setRenaming] = createSignal<string | null>(null);

  return (
    <div class="conversations">
      <button
        type="button"
        class="button button-primary new-chat"
        data-testid="conversation-new"
        onClick={() => {
          store.newConversation();
          props.onChosen?.();
          document.getElementById('assistant-input')?.focus();
        }}
      >
        New chat
      </button>
      <h2 class="sidebar-title">Chats in this browser</h2>
      <Show
        when={store.state.conversations.length > 0}
        fallback={<p class="muted small">No chats yet.</p>}
      >
        <ul class="conversation-list" data-testid="conversation-list">
          <For each={store.state.conversations}>
            {(c) => (
              <li
                class="conversation"
                aria-current={c.id === store.state.activeId ? 'page' : undefined}
              >
                <Show
                  when={renaming() === c.id}
                  fallback={
                    <button
                      type="button"
                      class="conversation-open"
                      data-testid="conversation-item"
                      onClick={() => {
                        store.select(c.id);
                        props.onChosen?.();
                      }}
                    >
                      {c.title}
                    </button>
                  }
                >
                  <form
                    class="conversation-rename"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const field = e.currentTarget.elements.namedItem('title') as HTMLInputElement;
                      store.rename(c.id, field.value);
                      setRenaming(null);
                    }}
                  >
                    <label class="sr-only" for={`rename-${c.id}`}>
                      Chat title
                    </label>
                    <input
                      id={`rename-${c.id}`}
                      name="title"
                      data-testid="conversation-title"
                      value={c.title}
                      maxLength={120}
                      ref={(el) => queueMicrotask(() => el.select())}
                      onKeyDown={(e) => {
                        if (e.key === 'Escape') setRenaming(null);
                      }}
                    />
                  </form>
                </Show>
                <div class="conversation-tools">
                  <button
                    type="button"
                    class="icon-button"
                    data-testid="conversation-rename"
                    aria-label={`Rename “${c.title}”`}
                    onClick={() => setRenaming(c.id)}
                  >
                    ✎
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    data-testid="conversation-export"
                    aria-label={`Export “${c.title}” as Markdown`}
                    onClick={() => downloadMarkdown(c)}
                  >
                    ⇩
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    data-testid="conversation-delete"
                    aria-label={`Delete “${c.title}”`}
                    onClick={() => store.remove(c.id)}
                  >
                    ✕
                  </button>
                </div>
              </li>
            )}
          </For>
        </ul>
        <button
          type="button"
          class="button button-small button-quiet"
          data-testid="conversation-clear"
          onClick={() => {
            if (confirm('Delete every chat kept in this browser?')) store.clearAll();
          }}
        >
          Clear all chats
        </button>
      </Show>
    </div>
  );
}
