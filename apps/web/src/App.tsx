import { createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { bastion, fetchSummary, loadClient, sessionClient, streamAnswer } from './api.ts';
import { ChatView } from './chat/ChatView.tsx';
import { createChatStore } from './chat/chat-store.ts';
import type { KnowledgeBaseInfo } from './chat/EmptyState.tsx';
import { ConversationList } from './conversations/ConversationList.tsx';
import { localConversationStorage } from './conversations/storage.ts';
import { loadLexer } from './markdown/Markdown.tsx';
import { SignIn } from './session/SignIn.tsx';
import { createSession } from './session/session.ts';
import { StatusPill } from './status/StatusPill.tsx';
import { ThemeToggle } from './theme/ThemeToggle.tsx';
import { ToolsDisclosure } from './tools/ToolsDisclosure.tsx';

async function loadKnowledgeBase(): Promise<KnowledgeBaseInfo> {
  const api = await bastion();
  const collections = await api.rag.collections.query();
  const first = collections[0];
  const titles = first
    ? (await api.rag.documents.query({ collection: first.id, limit: 3 })).items.map((d) => d.title)
    : [];
  return { collections, titles };
}

export function App() {
  const session = createSession(sessionClient);
  const chat = createChatStore({
    streamChat: streamAnswer,
    storage: localConversationStorage(),
    onAuthError: session.noteAuthError,
  });
  // Refetched when the session changes: a signed-in key may see other collections.
  const [knowledgeBase] = createResource(
    () => (session.state() === 'signed-out' ? false : session.state()),
    loadKnowledgeBase,
  );
  const [menuOpen, setMenuOpen] = createSignal(false);

  onMount(() => {
    // What the first screen does not need arrives once the page is idle.
    const idle = window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200));
    idle(() => {
      void loadClient();
      void loadLexer();
      void session.refresh();
    });
    const save = () => chat.flush();
    window.addEventListener('pagehide', save);
    onCleanup(() => window.removeEventListener('pagehide', save));
  });

  return (
    <div class="app" data-menu-open={menuOpen() ? 'true' : 'false'}>
      <a class="skip-link" href="#assistant-input">
        Skip to the question
      </a>
      <header class="app-header">
        <button
          type="button"
          class="icon-button menu-toggle"
          aria-expanded={menuOpen()}
          aria-controls="sidebar"
          aria-label="Chats"
          onClick={() => setMenuOpen(!menuOpen())}
        >
          <span aria-hidden="true">☰</span>
        </button>
        <h1 class="brand">Bastion</h1>
        <div class="header-tools">
          <StatusPill
            fetchSummary={fetchSummary}
            signedOut={() => session.state() === 'signed-out'}
            onAuthError={session.noteAuthError}
            refresh={session.state}
          />
          <ThemeToggle />
          <Show when={session.state() === 'signed-in'}>
            <button
              type="button"
              class="button button-small"
              data-testid="signout"
              onClick={() => void session.signOut()}
            >
              Sign out
            </button>
          </Show>
        </div>
      </header>
      <div class="app-body">
        <nav id="sidebar" class="sidebar" aria-label="Chats">
          <ConversationList store={chat} onChosen={() => setMenuOpen(false)} />
          <div class="sidebar-footer">
            <ToolsDisclosure />
          </div>
        </nav>
        <main class="app-main">
          <ChatView
            store={chat}
            knowledgeBase={knowledgeBase}
            actions={{
              copy: (text) => navigator.clipboard.writeText(text),
              submitFeedback: async (requestId, rating, note) =>
                (await bastion()).feedback.submit.mutate({
                  requestId,
                  rating,
                  ...(note ? { note } : {}),
                }),
            }}
            gate={() =>
              session.state() === 'signed-out' ? <SignIn session={session} /> : undefined
            }
          />
        </main>
      </div>
    </div>
  );
}
