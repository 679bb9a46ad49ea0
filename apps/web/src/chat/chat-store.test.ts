import type { ChatEvent, ChatOutcome } from '@bastion/api/client';
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { ConversationStorage } from '../conversations/storage.ts';
import type { SavedState } from '../conversations/types.ts';
import { type ChatStoreDeps, createChatStore, type StreamChatFn } from './chat-store.ts';

const outcome = (over: Partial<ChatOutcome> = {}): ChatOutcome => ({
  requestId: 'r1',
  servedBy: 'primary',
  model: 'm',
  content: '',
  grounded: false,
  sources: [],
  guardrails: null,
  finishReason: 'stop',
  error: null,
  completedByFallback: false,
  feedbackToken: null,
  aborted: false,
  ...over,
});

const meta: ChatEvent = {
  type: 'meta',
  requestId: 'r1',
  servedBy: 'primary',
  model: 'm',
  grounded: true,
  sources: [{ id: 's1', title: 'Config', path: 'docs/config.md', snippet: 'PORT' }],
  guardrails: { flagged: false, blocked: false, reason: null, patterns: [] },
  feedbackToken: 'f.t',
};

/** A provider that answers `reply(n)` to the n-th question, streamed in two deltas. */
function answering(reply: (n: number) => string, requests: unknown[] = []): StreamChatFn {
  return async (request, { onEvent }) => {
    requests.push(request);
    const text = reply(requests.length);
    onEvent(meta);
    onEvent({ type: 'delta', text: text.slice(0, 3) });
    onEvent({ type: 'delta', text: text.slice(3) });
    onEvent({
      type: 'done',
      servedBy: 'primary',
      finishReason: 'stop',
      timings: { firstTokenMs: 1, totalMs: 2 },
    });
    return outcome({ content: text });
  };
}

function memoryStorage(
  initial: SavedState | null = null,
): ConversationStorage & { saved: SavedState | null } {
  const box = {
    saved: initial,
    load: () => (box.saved ? structuredClone(box.saved) : null),
    save: (s: SavedState) => {
      box.saved = JSON.parse(JSON.stringify(s)) as SavedState;
    },
  };
  return box;
}

function withStore<T>(
  deps: ChatStoreDeps,
  body: (store: ReturnType<typeof createChatStore>) => Promise<T>,
) {
  return createRoot(async (dispose) => {
    try {
      return await body(createChatStore(deps));
    } finally {
      dispose();
    }
  });
}

describe('chat store', () => {
  it('sends the finished turns plus the question and builds the answer from streamed events', async () => {
    const requests: unknown[] = [];
    await withStore({ streamChat: answering(() => 'Hello there.', requests) }, async (store) => {
      await store.send('  first  ');
      await store.send('second');
      expect(requests[1]).toEqual({
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'Hello there.' },
          { role: 'user', content: 'second' },
        ],
      });
      const answer = store.messages()[3];
      expect(answer).toMatchObject({
        role: 'assistant',
        content: 'Hello there.',
        status: 'done',
        servedBy: 'primary',
        // Kept for 👍/👎: the server takes feedback only with the token it sent with the answer.
        feedbackToken: 'f.t',
      });
      expect(answer?.sources).toHaveLength(1);
      expect(store.state.busy).toBe(false);
      expect(store.state.conversations).toHaveLength(1);
      expect(store.active()?.title).toBe('first');
    });
  });

  it('sends the chosen collection with the question', async () => {
    const requests: { collection?: string }[] = [];
    await withStore({ streamChat: answering(() => 'ok', requests) }, async (store) => {
      store.setCollection('handbook');
      await store.send('q');
      expect(requests[0]?.collection).toBe('handbook');
    });
  });

  it('ignores empty questions and a second send while busy', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const fn: StreamChatFn = () => {
      calls += 1;
      return new Promise((resolve) => (release = () => resolve(outcome())));
    };
    await withStore({ streamChat: fn }, async (store) => {
      await store.send('   ');
      const pending = store.send('one');
      await store.send('two');
      release();
      await pending;
      expect(calls).toBe(1);
    });
  });

  it('regenerate replaces the last answer with exactly one new one', async () => {
    const requests: unknown[] = [];
    await withStore({ streamChat: answering((n) => `answer ${n}`, requests) }, async (store) => {
      await store.send('q');
      await store.regenerate();
      expect(store.messages().map((m) => m.content)).toEqual(['q', 'answer 2']);
      // The old answer is not sent back as history.
      expect(requests[1]).toEqual({ messages: [{ role: 'user', content: 'q' }] });
    });
  });

  it('edit-and-resend drops the edited question and everything after it', async () => {
    const requests: unknown[] = [];
    await withStore({ streamChat: answering((n) => `answer ${n}`, requests) }, async (store) => {
      await store.send('one');
      await store.send('two');
      const first = store.messages()[0]!;
      await store.edit(first.id, 'one, edited');
      expect(store.messages().map((m) => m.content)).toEqual(['one, edited', 'answer 3']);
      expect(requests[2]).toEqual({ messages: [{ role: 'user', content: 'one, edited' }] });
    });
  });

  it('marks a stopped answer and keeps what was streamed', async () => {
    const fn: StreamChatFn = (_r, { signal, onEvent }) =>
      new Promise((resolve) => {
        onEvent(meta);
        onEvent({ type: 'delta', text: 'partial' });
        signal.addEventListener('abort', () => resolve(outcome({ aborted: true })));
      });
    await withStore({ streamChat: fn }, async (store) => {
      const pending = store.send('long');
      store.stop();
      await pending;
      expect(store.messages()[1]).toMatchObject({ status: 'stopped', content: 'partial' });
    });
  });

  /** A stream that the page's unload cuts: it ends as a network error, as a browser's does. */
  function cutByUnload(): { fn: StreamChatFn; cut: () => void } {
    let cut = () => {};
    const fn: StreamChatFn = (_r, { onEvent, onStarted }) =>
      new Promise((resolve) => {
        onStarted?.('r1');
        onEvent(meta);
        onEvent({ type: 'delta', text: 'partial' });
        cut = () =>
          resolve(
            outcome({
              error: { code: 'network_error', message: 'Cannot reach', retryable: true },
            }),
          );
      });
    return { fn, cut: () => cut() };
  }

  it('leaving mid-answer cancels the run and keeps the answer as stopped, even after the unload cut its stream', async () => {
    const { fn, cut } = cutByUnload();
    const cancelled: string[] = [];
    const failed: string[] = [];
    const storage = memoryStorage();
    const deps: ChatStoreDeps = {
      streamChat: fn,
      storage,
      cancelOnLeave: (id) => cancelled.push(id),
      onFailed: (code) => failed.push(code),
    };
    await withStore(deps, async (store) => {
      const pending = store.send('long');
      // The browser closes the stream as the next page commits, just before `pagehide`.
      cut();
      await Promise.resolve();
      store.leave();
      await pending;
      expect(cancelled).toEqual(['r1']);
      expect(store.messages()[1]).toMatchObject({ status: 'stopped', content: 'partial' });
      expect(store.messages()[1]?.error).toBeUndefined();
      expect(storage.saved?.conversations[0]?.messages[1]).toMatchObject({ status: 'stopped' });
      expect(failed).toEqual([]);
      expect(store.state.busy).toBe(false);
    });
  });

  it('leaving before the first event still cancels the started run', async () => {
    const cancelled: string[] = [];
    const fn: StreamChatFn = (_r, { onStarted }) =>
      new Promise(() => {
        onStarted?.('r-started');
      });
    await withStore(
      { streamChat: fn, cancelOnLeave: (id) => cancelled.push(id) },
      async (store) => {
        void store.send('slow to start');
        await Promise.resolve();
        store.leave();
        expect(cancelled).toEqual(['r-started']);
        expect(store.messages()[1]).toMatchObject({ status: 'stopped' });
        // Nothing is left to cancel a second time.
        store.leave();
        expect(cancelled).toEqual(['r-started']);
      },
    );
  });

  it('a lost connection while the page stays is an error, shown after a short wait', async () => {
    const { fn, cut } = cutByUnload();
    const cancelled: string[] = [];
    await withStore(
      { streamChat: fn, cancelOnLeave: (id) => cancelled.push(id) },
      async (store) => {
        const pending = store.send('long');
        cut();
        await pending;
        expect(store.messages()[1]).toMatchObject({
          status: 'error',
          content: 'partial',
          error: { code: 'network_error' },
        });
        // The run has ended: leaving later cancels nothing and keeps the error.
        store.leave();
        expect(cancelled).toEqual([]);
        expect(store.messages()[1]).toMatchObject({ status: 'error' });
      },
    );
  });

  it('keeps errors on the answer and reports a 401 as signed out', async () => {
    let authErrors = 0;
    const errors = [
      { code: 'rate_limited' as const, message: 'Slow down', retryable: true, retryAfterMs: 3000 },
      {
        code: 'unauthenticated' as const,
        message: 'An API key is required (Authorization: Bearer <key>, or session.signIn)',
        retryable: false,
      },
    ];
    const fn: StreamChatFn = async () => outcome({ error: errors.shift() ?? null });
    await withStore({ streamChat: fn, onAuthError: () => authErrors++ }, async (store) => {
      await store.send('hi');
      expect(store.messages()[1]).toMatchObject({
        status: 'error',
        error: { code: 'rate_limited', message: 'Slow down', retryAfterMs: 3000 },
      });
      expect(authErrors).toBe(0);
      await store.send('again');
      expect(authErrors).toBe(1);
      // In the page's words, not the API's.
      expect(store.messages()[3]?.error?.message).toBe(
        'Sign in to ask: this Bastion needs an access key.',
      );
    });
  });

  it('keeps conversations across reloads and manages the list', async () => {
    const storage = memoryStorage();
    await withStore({ streamChat: answering(() => 'A.'), storage }, async (store) => {
      await store.send('first chat');
      store.newConversation();
      expect(store.messages()).toEqual([]);
      await store.send('second chat');
      store.rename(store.state.activeId!, '  Renamed  ');
      store.flush();
    });
    expect(storage.saved?.conversations.map((c) => c.title)).toEqual(['Renamed', 'first chat']);
    await withStore({ streamChat: answering(() => 'B.'), storage }, async (store) => {
      expect(store.active()?.title).toBe('Renamed');
      expect(store.messages().map((m) => m.content)).toEqual(['second chat', 'A.']);
      store.remove(store.state.activeId!);
      expect(store.state.conversations.map((c) => c.title)).toEqual(['first chat']);
      expect(store.state.activeId).toBeNull();
      store.clearAll();
    });
    expect(storage.saved?.conversations).toEqual([]);
  });

  it('saves a streaming answer a few times, not once per token', async () => {
    const storage = memoryStorage();
    let saves = 0;
    const save = storage.save;
    storage.save = (s) => {
      saves++;
      save(s);
    };
    const fn: StreamChatFn = async (_r, { onEvent }) => {
      onEvent(meta);
      for (let i = 0; i < 2000; i++) onEvent({ type: 'delta', text: 'x' });
      return outcome({ content: 'x'.repeat(2000) });
    };
    await withStore({ streamChat: fn, storage }, async (store) => {
      await store.send('q');
    });
    expect(saves).toBeLessThanOrEqual(3);
    expect(storage.saved?.conversations[0]?.messages[1]?.content).toHaveLength(2000);
  });
});
