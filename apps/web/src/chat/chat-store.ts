import type { ChatEvent, ChatOutcome, ChatRequest } from '@bastion/api/client';
import { batch } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import type { ConversationStorage } from '../conversations/storage.ts';
import type { ChatMessage, Conversation, SavedState } from '../conversations/types.ts';
import { AUTH_REASONS } from '../session/auth-error.ts';

export type { ChatMessage, Conversation };

export type StreamChatFn = (
  request: ChatRequest,
  options: {
    signal: AbortSignal;
    onEvent: (event: ChatEvent) => void;
    onStarted?: (requestId: string) => void;
  },
) => Promise<ChatOutcome>;

export interface ChatStoreDeps {
  streamChat: StreamChatFn;
  storage?: ConversationStorage;
  /** A question came back 401: the page should ask to sign in. */
  onAuthError?: () => void;
  /** Anonymous counts for analytics: sizes and outcomes, never the text. */
  onAsked?: (info: { chars: number; history: number; collection?: string }) => void;
  onAnswered?: (answer: ChatMessage, timings?: { firstTokenMs: number; totalMs: number }) => void;
  onFailed?: (code: string) => void;
  /**
   * Cancels a run on the server from a page that is going away (a request that outlives the
   * page: the stream's own cancel would die with it).
   */
  cancelOnLeave?: (requestId: string) => void;
  now?: () => number;
}

const TITLE_CHARS = 60;
const SAVE_DELAY_MS = 400;
const SIGN_IN_TO_ASK = 'Sign in to ask: this Bastion needs an access key.';
/**
 * How long a lost connection waits before it shows as an error. A page being reloaded or closed
 * loses its stream just before `pagehide` (the browser closes it as the next page commits): that
 * is the reader leaving, not a failure, and `leave()` settles it as stopped meanwhile.
 */
const LEAVE_GRACE_MS = 1000;

/** The answer being produced: what leaving the page cancels, whatever its message shows. */
interface Run {
  conversationId: string;
  assistantId: string;
  /** Known once the server has started the run. */
  requestId?: string;
  /** The page went away while it ran: it ends as stopped, whatever the stream reports. */
  left: boolean;
  /** Ends the wait of a lost connection at once (the page is going away). */
  onLeave: () => void;
}

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

function titleOf(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

/**
 * The conversations, kept only in this browser. One answer streams at a time; what the server
 * receives is the active conversation's finished turns plus the question, nothing else.
 */
export function createChatStore(deps: ChatStoreDeps) {
  const now = deps.now ?? Date.now;
  const saved = deps.storage?.load();
  const [state, setState] = createStore({
    conversations: saved?.conversations ?? ([] as Conversation[]),
    activeId: saved?.activeId ?? (null as string | null),
    collection: saved?.collection ?? (null as string | null),
    busy: false,
  });
  let controller: AbortController | null = null;
  let running: Run | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  function snapshot(): SavedState {
    return {
      conversations: state.conversations,
      activeId: state.activeId,
      collection: state.collection,
    };
  }
  /** Saves soon, not per token: a long answer is written a few times, not thousands. */
  function persist(): void {
    if (!deps.storage || saveTimer) return;
    saveTimer = setTimeout(flush, SAVE_DELAY_MS);
  }
  function flush(): void {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    deps.storage?.save(snapshot());
  }

  const active = () => state.conversations.find((c) => c.id === state.activeId);
  const messages = () => active()?.messages ?? [];

  function updateConversation(id: string, fn: (c: Conversation) => void): void {
    setState(
      'conversations',
      produce((all) => {
        const c = all.find((x) => x.id === id);
        if (c) fn(c);
      }),
    );
    persist();
  }

  function updateMessage(conversationId: string, messageId: string, fn: (m: ChatMessage) => void) {
    updateConversation(conversationId, (c) => {
      const m = c.messages.find((x) => x.id === messageId);
      if (m) fn(m);
    });
  }

  /** Streams an answer to the conversation's turns so far into a new assistant message. */
  async function answer(conversationId: string): Promise<void> {
    const c = state.conversations.find((x) => x.id === conversationId);
    if (!c) return;
    const history = c.messages
      .filter((m) => m.content && (m.role === 'user' || m.status === 'done'))
      .map((m) => ({ role: m.role, content: m.content }));
    const assistantId = newId();
    batch(() => {
      setState('busy', true);
      updateConversation(conversationId, (conv) => {
        conv.messages.push({
          id: assistantId,
          role: 'assistant',
          content: '',
          status: 'streaming',
        });
        conv.updatedAt = now();
      });
    });
    controller = new AbortController();
    const run: Run = { conversationId, assistantId, left: false, onLeave: () => {} };
    running = run;
    const request: ChatRequest = { messages: history };
    if (state.collection) request.collection = state.collection;
    deps.onAsked?.({
      chars: history.at(-1)?.content.length ?? 0,
      history: history.length - 1,
      ...(request.collection ? { collection: request.collection } : {}),
    });
    let timings: { firstTokenMs: number; totalMs: number } | undefined;
    const outcome = await deps.streamChat(request, {
      signal: controller.signal,
      onStarted: (requestId) => {
        run.requestId = requestId;
      },
      onEvent: (event) =>
        updateMessage(conversationId, assistantId, (m) => {
          if (event.type === 'meta') {
            run.requestId = event.requestId;
            // A zero-token fallback replays the answer from scratch: start clean.
            m.content = '';
            m.requestId = event.requestId;
            if (event.feedbackToken) m.feedbackToken = event.feedbackToken;
            m.servedBy = event.servedBy;
            m.grounded = event.grounded;
            m.sources = event.sources;
            m.guardrails = event.guardrails;
          } else if (event.type === 'delta') m.content += event.text.replace(/\r\n?/g, '\n');
          else if (event.type === 'done') {
            m.servedBy = event.servedBy;
            timings = event.timings;
          }
        }),
    });
    if (outcome.error?.code === 'network_error' && !run.left) {
      await new Promise<void>((resolve) => {
        run.onLeave = resolve;
        setTimeout(resolve, LEAVE_GRACE_MS);
      });
    }
    running = null;
    if (run.left) {
      // leave() has settled the answer as stopped and saved it.
      controller = null;
      setState('busy', false);
      return;
    }
    batch(() => {
      updateMessage(conversationId, assistantId, (m) => {
        if (outcome.aborted) m.status = 'stopped';
        else if (outcome.error) {
          m.status = 'error';
          const { code, retryable, retryAfterMs } = outcome.error;
          // The server's 401 text speaks to API clients (headers, procedures); the page says
          // what the reader can do.
          const message = AUTH_REASONS.has(code) ? SIGN_IN_TO_ASK : outcome.error.message;
          m.error = { code, message, retryable, ...(retryAfterMs ? { retryAfterMs } : {}) };
        } else m.status = 'done';
      });
      setState('busy', false);
    });
    controller = null;
    flush();
    if (outcome.error) {
      deps.onFailed?.(outcome.error.code);
      if (AUTH_REASONS.has(outcome.error.code)) deps.onAuthError?.();
    } else if (!outcome.aborted) {
      const done = state.conversations
        .find((x) => x.id === conversationId)
        ?.messages.find((m) => m.id === assistantId);
      if (done) deps.onAnswered?.(done, timings);
    }
  }

  async function send(text: string): Promise<void> {
    const question = text.trim();
    if (!question || state.busy) return;
    let id = state.activeId;
    const message: ChatMessage = { id: newId(), role: 'user', content: question, status: 'done' };
    if (!id || !active()) {
      id = newId();
      const conversation: Conversation = {
        id,
        title: titleOf(question),
        createdAt: now(),
        updatedAt: now(),
        messages: [message],
      };
      batch(() => {
        setState('conversations', (all) => [conversation, ...all]);
        setState('activeId', id);
      });
    } else {
      updateConversation(id, (c) => c.messages.push(message));
    }
    await answer(id);
  }

  /** Asks the last question again: the last answer is replaced by exactly one new one. */
  async function regenerate(): Promise<void> {
    const c = active();
    if (!c || state.busy) return;
    const lastUser = c.messages.findLastIndex((m) => m.role === 'user');
    if (lastUser < 0) return;
    updateConversation(c.id, (conv) => conv.messages.splice(lastUser + 1));
    await answer(c.id);
  }

  /** Replaces a question (and everything after it) with an edited one and asks it. */
  async function edit(messageId: string, text: string): Promise<void> {
    const c = active();
    const question = text.trim();
    if (!c || !question || state.busy) return;
    const index = c.messages.findIndex((m) => m.id === messageId && m.role === 'user');
    if (index < 0) return;
    updateConversation(c.id, (conv) => {
      conv.messages.splice(index);
      conv.messages.push({ id: newId(), role: 'user', content: question, status: 'done' });
    });
    await answer(c.id);
  }

  function stop(): void {
    controller?.abort();
  }

  function newConversation(): void {
    stop();
    setState('activeId', null);
    persist();
  }

  function select(id: string): void {
    if (id === state.activeId) return;
    stop();
    setState('activeId', id);
    persist();
  }

  function rename(id: string, title: string): void {
    const t = title.trim().slice(0, 120);
    if (t) updateConversation(id, (c) => (c.title = t));
  }

  function remove(id: string): void {
    if (id === state.activeId) stop();
    batch(() => {
      setState('conversations', (all) => all.filter((c) => c.id !== id));
      if (state.activeId === id) setState('activeId', null);
    });
    flush();
  }

  function clearAll(): void {
    stop();
    batch(() => {
      setState('conversations', []);
      setState('activeId', null);
    });
    flush();
  }

  function setCollection(id: string | null): void {
    setState('collection', id);
    persist();
  }

  function setFeedback(messageId: string, rating: 'up' | 'down'): void {
    const c = active();
    if (c) updateMessage(c.id, messageId, (m) => (m.feedback = rating));
  }

  /**
   * The page is going away (`pagehide`): the answer in progress, if any, is cancelled on the
   * server and kept as stopped with its text so far, and everything is saved. Decided by the run
   * in flight, not by its message: the unload may already have cut the stream.
   */
  function leave(): void {
    const run = running;
    if (run && !run.left) {
      run.left = true;
      if (run.requestId) deps.cancelOnLeave?.(run.requestId);
      updateMessage(run.conversationId, run.assistantId, (m) => {
        m.status = 'stopped';
      });
      run.onLeave();
    }
    flush();
  }

  return {
    state,
    active,
    messages,
    send,
    regenerate,
    edit,
    stop,
    newConversation,
    select,
    rename,
    remove,
    clearAll,
    setCollection,
    setFeedback,
    leave,
    flush,
  };
}

export type ChatStore = ReturnType<typeof createChatStore>;
