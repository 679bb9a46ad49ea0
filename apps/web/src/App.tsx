import type { StatusSummary } from '@bastion/api';
import { createMemo, createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { PrivacyDisclosure } from './analytics/PrivacyDisclosure.tsx';
import { createTracker } from './analytics/tracker.ts';
import {
  bastion,
  cancelOnLeave,
  fetchCollections,
  fetchDocuments,
  fetchSummary,
  loadClient,
  sessionClient,
  streamAnswer,
} from './api.ts';
import { ChatView } from './chat/ChatView.tsx';
import { createChatStore } from './chat/chat-store.ts';
import { FALLBACK_STARTERS, startersFrom } from './chat/starters.ts';
import { ConversationList } from './conversations/ConversationList.tsx';
import { localConversationStorage } from './conversations/storage.ts';
import { loadLexer } from './markdown/Markdown.tsx';
import { AUTH_REASONS } from './session/auth-error.ts';
import { GuestSignIn } from './session/GuestSignIn.tsx';
import { SignIn } from './session/SignIn.tsx';
import { type AuthState, createSession, mayChat, mayReadKeyed } from './session/session.ts';
import { createStartup } from './startup.ts';
import { StatusPill } from './status/StatusPill.tsx';
import { ThemeToggle } from './theme/ThemeToggle.tsx';
import { ToolsDisclosure } from './tools/ToolsDisclosure.tsx';

/** A page that may not ask has no picker; collections that cannot be listed mean none either. */
const loadCollections = (state: AuthState) =>
  mayChat(state) ? fetchCollections().catch(() => []) : [];

/** Questions about the chosen collection's documents; the fixed ones when it cannot be listed. */
const loadStarters = async ([, collection]: readonly [unknown, string | null]) =>
  fetchDocuments(collection).then(
    (page) => startersFrom(page.items),
    () => FALLBACK_STARTERS,
  );

// One part of the page per step (see startup.ts); the starter questions' request goes out early.
const STARTUP_STEPS = [
  'frame',
  'header',
  'status',
  'theme',
  'starters',
  'conversation',
  'empty-state',
  'chats',
  'sidebar-tools',
] as const;

/** The layout in which the sidebar is off screen until the menu opens (see styles.css). */
const NARROW_LAYOUT = '(max-width: 48rem)';

/** index.html's static first screen: the parts the app shows until it draws its own. */
export interface StaticShell {
  /** The header; its status pill and theme toggle stay until their own steps. */
  header?: HTMLElement;
  status?: HTMLElement;
  theme?: HTMLElement;
  /** The conversation area (the empty state and the question box). */
  chat?: HTMLElement;
  /** The empty state inside it, shown in the app's conversation until its own is drawn. */
  emptyState?: HTMLElement;
}

/** Runs `fn` once, at the reader's first sign of intent (a key, a pointer, a touch, a scroll). */
function onFirstIntent(fn: () => void): () => void {
  const events = ['keydown', 'pointerdown', 'pointermove', 'touchstart', 'wheel'] as const;
  const once = () => {
    stop();
    fn();
  };
  const stop = () => {
    for (const e of events) window.removeEventListener(e, once, true);
  };
  for (const e of events) window.addEventListener(e, once, { capture: true, passive: true });
  return stop;
}

/** Where the caret is in `box`, when the reader is typing there. */
function caretIn(box: HTMLTextAreaElement | undefined) {
  if (!box || document.activeElement !== box) return undefined;
  return { start: box.selectionStart, end: box.selectionEnd };
}

/**
 * `shell`: index.html's static first screen, whose parts stand in for the app's own until their
 * start-up step (the start-up work comes in short tasks, not one long one).
 */
export function App(props: { shell?: StaticShell }) {
  const session = createSession(sessionClient);
  // Bumped when a question could not reach the server: the status pill asks again at once.
  const [unreachable, setUnreachable] = createSignal(0);
  let markReady: () => void = () => {};
  let markKnown: () => void = () => {};
  // Analytics wait for the reader's first intent, when the client loads anyway, and for the page
  // to know who it is: a signed-out page sends none (the server would refuse each). DNT/GPC honoured.
  const tracker = createTracker({
    client: bastion,
    whenReady: Promise.all([
      new Promise<void>((resolve) => (markReady = resolve)),
      new Promise<void>((resolve) => (markKnown = resolve)),
    ]),
    allowed: () => mayChat(session.state()),
  });
  const chat = createChatStore({
    streamChat: streamAnswer,
    storage: localConversationStorage(),
    onAuthError: session.noteAuthError,
    cancelOnLeave,
    onAsked: (info) => tracker.track('question_asked', info),
    onAnswered: (answer, timings) =>
      answer.servedBy &&
      tracker.track('answer_shown', {
        servedBy: answer.servedBy,
        grounded: Boolean(answer.grounded),
        sources: Math.min(100, answer.sources?.length ?? 0),
        ...(timings ? { firstTokenMs: timings.firstTokenMs, totalMs: timings.totalMs } : {}),
      }),
    onFailed: (code) => {
      if (code === 'network_error') setUnreachable((n) => n + 1);
      // The page has no session: the event would be refused too.
      if (AUTH_REASONS.has(code)) return;
      tracker.track('error_shown', {
        reason: /^[a-z][a-z0-9_]{0,63}$/.test(code) ? code : 'other',
      });
    },
  });
  const [summary, setSummary] = createSignal<StatusSummary>();
  // Asked as soon as the page knows who it is (a plain GET, not the typed client), so the picker
  // is there without a gesture; asked again when the session changes (a key may see others).
  const [collections] = createResource(session.state, loadCollections);
  // Start-up comes in short tasks, one part of the page each. One long task would hold the
  // page's input (and counts as blocking time); without a static shell there is nothing to show
  // meanwhile, so the first task draws the page up to its conversation.
  const startup = createStartup(STARTUP_STEPS, props.shell ? 'frame' : 'empty-state');
  const headerShown = startup.reached('header');
  const statusShown = startup.reached('status');
  const themeShown = startup.reached('theme');
  const startersAsked = startup.reached('starters');
  const conversationShown = startup.reached('conversation');
  const emptyStateShown = startup.reached('empty-state');
  const chatsShown = startup.reached('chats');
  const sidebarToolsShown = startup.reached('sidebar-tools');
  // Asked again on signing in or out and on choosing a collection: each may show other documents.
  // Listing documents needs a key: a guest (or a page that cannot ask) gets the fixed questions.
  const [starters] = createResource(
    () =>
      startersAsked() &&
      mayReadKeyed(session.state()) &&
      ([session.state() === 'signed-in', chat.state.collection] as const),
    loadStarters,
  );
  const starterQuestions = () => {
    const state = session.state();
    if (mayReadKeyed(state)) return starters.latest;
    return state === 'unknown' ? undefined : FALLBACK_STARTERS;
  };
  const [menuOpen, setMenuOpen] = createSignal(false);
  // A sidebar nobody can see is not drawn at start-up: on a narrow screen (styles.css hides it
  // there) its chats and tools wait until the menu opens or the window widens; once drawn, they stay.
  const narrow = window.matchMedia?.(NARROW_LAYOUT);
  const [wide, setWide] = createSignal(!narrow?.matches);
  const onLayoutChange = (e: MediaQueryListEvent) => setWide(!e.matches);
  narrow?.addEventListener('change', onLayoutChange);
  onCleanup(() => narrow?.removeEventListener('change', onLayoutChange));
  const sidebarDrawn = createMemo<boolean>((drawn) => drawn || wide() || menuOpen(), false);
  const staticBox = () => props.shell?.chat?.querySelector('textarea') ?? undefined;
  let menuButton!: HTMLButtonElement;

  onMount(() => {
    // Who the page is, asked at once (a plain GET): a signed-in reader sees it without a gesture,
    // and nothing that needs a key is asked for before the answer. In a task of its own: the
    // page's first request costs the browser a few milliseconds to set up, which the takeover's
    // task (the start-up's longest) should not carry.
    const asked = setTimeout(() => void session.refresh().finally(markKnown), 0);
    startup.start();
    // The first screen needs only the status summary; the typed client and the Markdown lexer
    // load when the reader shows intent, so an untouched page does no more work than it shows.
    const stopWaiting = onFirstIntent(() => {
      // Counted with the first intent, when events are sent: an untouched page stores no ID.
      tracker.track('page_view', { path: window.location.pathname });
      markReady();
      void loadClient();
      void loadLexer();
    });
    // Leaving cancels the answer in progress (it is kept as stopped) and saves the chats.
    const leave = () => chat.leave();
    window.addEventListener('pagehide', leave);
    onCleanup(() => {
      clearTimeout(asked);
      stopWaiting();
      window.removeEventListener('pagehide', leave);
    });
  });

  return (
    <div class="app" data-menu-open={menuOpen() ? 'true' : 'false'}>
      <a class="skip-link" href="#assistant-input">
        Skip to the question
      </a>
      <Show when={headerShown()} fallback={props.shell?.header}>
        <header class="app-header">
          <button
            type="button"
            class="icon-button menu-toggle"
            aria-expanded={menuOpen()}
            aria-controls="sidebar"
            aria-label="Chats"
            ref={menuButton}
            onClick={() => {
              const open = !menuOpen();
              setMenuOpen(open);
              // Opening moves focus into the chats; closing leaves it on the toggle.
              if (open)
                document.querySelector<HTMLElement>('[data-testid="conversation-new"]')?.focus();
            }}
          >
            <span aria-hidden="true">☰</span>
          </button>
          <h1 class="brand">Bastion</h1>
          <div class="header-tools">
            <Show when={statusShown()} fallback={props.shell?.status}>
              <StatusPill
                fetchSummary={fetchSummary}
                access={session.state}
                onAuthError={session.noteAuthError}
                onSummary={setSummary}
                onReachable={() => void session.refresh()}
                recheck={unreachable}
              />
            </Show>
            <Show when={themeShown()} fallback={props.shell?.theme}>
              <ThemeToggle />
            </Show>
            <Show when={session.state() === 'guest'}>
              <GuestSignIn
                session={session}
                onSignedIn={() => document.getElementById('assistant-input')?.focus()}
              />
            </Show>
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
      </Show>
      <div class="app-body">
        <nav
          id="sidebar"
          class="sidebar"
          aria-label="Chats"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && menuOpen()) {
              setMenuOpen(false);
              menuButton.focus();
            }
          }}
        >
          <Show when={chatsShown() && sidebarDrawn()}>
            <ConversationList
              store={chat}
              onChosen={() => {
                setMenuOpen(false);
                document.getElementById('assistant-input')?.focus();
              }}
            />
          </Show>
          <Show when={sidebarToolsShown() && sidebarDrawn()}>
            <div class="sidebar-footer">
              <PrivacyDisclosure tracker={tracker} client={bastion} />
              <ToolsDisclosure session={{ admin: session.admin, client: bastion }} />
            </div>
          </Show>
        </nav>
        <main class="app-main">
          <Show when={conversationShown()} fallback={props.shell?.chat}>
            <ChatView
              store={chat}
              // What was typed into the static question box meanwhile is kept, and its focus.
              draft={staticBox()?.value ?? ''}
              draftCaret={caretIn(staticBox())}
              emptyStateShell={emptyStateShown() ? undefined : props.shell?.emptyState}
              collections={collections}
              rag={() => summary()?.rag}
              guest={() => session.state() === 'guest'}
              mayAsk={() => session.state() !== 'signed-out'}
              starters={starterQuestions}
              actions={{
                copy: (text) => navigator.clipboard.writeText(text),
                sourceOpened: (rank) =>
                  tracker.track('source_opened', { rank: Math.min(rank, 100) }),
                submitFeedback: async ({ requestId, token }, rating, note) => {
                  if (!note) tracker.track('feedback_given', { rating });
                  const visitorId = tracker.visitorId();
                  // The visitor ID lets an erasure from the Privacy panel remove this feedback too.
                  return (await bastion()).feedback.submit.mutate({
                    requestId,
                    // Without one (an answer from before tokens) the server refuses, as it should.
                    token: token ?? '',
                    rating,
                    ...(note ? { note } : {}),
                    ...(visitorId ? { visitorId } : {}),
                  });
                },
              }}
              gate={() =>
                session.state() === 'signed-out' ? <SignIn session={session} /> : undefined
              }
            />
          </Show>
        </main>
      </div>
    </div>
  );
}
