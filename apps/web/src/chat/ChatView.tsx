import { createMemo, createSignal, For, onCleanup, onMount } from 'solid-js';
import type { ChatStore } from './chat-store.ts';
import { Message } from './Message.tsx';

export function ChatView(props: { store: ChatStore }) {
  const { state, send, stop } = props.store;
  const [draft, setDraft] = createSignal('');
  let input: HTMLTextAreaElement | undefined;

  const last = createMemo(() => state.messages.at(-1));
  const announcement = createMemo(() => {
    const m = last();
    if (m?.role !== 'assistant') return '';
    return m.status === 'streaming' ? 'Generating…' : 'Response complete';
  });
  const mirror = createMemo(() => {
    const m = last();
    return m?.role === 'assistant' ? m.content : '';
  });

  const submit = () => {
    const text = draft();
    if (!text.trim() || state.busy) return;
    setDraft('');
    void send(text);
  };

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && state.busy) stop();
    };
    // A closing tab cannot wait for a normal request: keepalive lets the cancel outlive the page.
    const onPageHide = () => {
      const requestId = props.store.streamingRequestId();
      if (!requestId) return;
      void fetch('/api/trpc/chat.cancel', {
        method: 'POST',
        keepalive: true,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId }),
      }).catch(() => undefined);
    };
    document.addEventListener('keydown', onKey);
    window.addEventListener('pagehide', onPageHide);
    onCleanup(() => {
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onPageHide);
    });
    input?.focus();
  });

  return (
    <section class="chat" aria-label="Chat">
      <div class="transcript" role="log" aria-live="polite" aria-relevant="additions">
        <For each={state.messages}>{(message) => <Message message={message} />}</For>
      </div>
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
          submit();
        }}
      >
        <label class="sr-only" for="assistant-input">
          Ask Bastion
        </label>
        <textarea
          id="assistant-input"
          ref={input}
          data-testid="assistant-input"
          rows={2}
          maxLength={16000}
          placeholder="Ask about the knowledge base…"
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {state.busy ? (
          <button type="button" class="button" data-testid="assistant-stop" onClick={stop}>
            Stop
          </button>
        ) : (
          <button
            type="submit"
            class="button button-primary"
            data-testid="assistant-send"
            disabled={!draft().trim()}
          >
            Send
          </button>
        )}
      </form>
    </section>
  );
}
