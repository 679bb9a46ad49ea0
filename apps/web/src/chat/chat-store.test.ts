import type { ChatEvent, ChatOutcome } from '@bastion/api/client';
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createChatStore, type StreamChatFn } from './chat-store.ts';

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
};

function withStore<T>(
  fn: StreamChatFn,
  body: (store: ReturnType<typeof createChatStore>) => Promise<T>,
) {
  return createRoot(async (dispose) => {
    try {
      return await body(createChatStore(fn));
    } finally {
      dispose();
    }
  });
}

describe('chat store', () => {
  it('sends the history plus the question and builds the answer from streamed events', async () => {
    const requests: unknown[] = [];
    const fn: StreamChatFn = async (request, { onEvent }) => {
      requests.push(request);
      onEvent(meta);
      onEvent({ type: 'delta', text: 'Hello ' });
      onEvent({ type: 'delta', text: 'there.' });
      onEvent({
        type: 'done',
        servedBy: 'primary',
        finishReason: 'stop',
        timings: { firstTokenMs: 1, totalMs: 2 },
      });
      return outcome({ content: 'Hello there.' });
    };
    await withStore(fn, async (store) => {
      await store.send('  first  ');
      await store.send('second');
      expect(requests[1]).toEqual({
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'Hello there.' },
          { role: 'user', content: 'second' },
        ],
      });
      const answer = store.state.messages[3]!;
      expect(answer).toMatchObject({
        role: 'assistant',
        content: 'Hello there.',
        status: 'done',
        servedBy: 'primary',
        grounded: true,
      });
      expect(answer.sources).toHaveLength(1);
      expect(store.state.busy).toBe(false);
    });
  });

  it('ignores empty questions and a second send while busy', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const fn: StreamChatFn = (_r, _o) => {
      calls += 1;
      return new Promise((resolve) => (release = () => resolve(outcome())));
    };
    await withStore(fn, async (store) => {
      await store.send('   ');
      const pending = store.send('one');
      await store.send('two');
      release();
      await pending;
      expect(calls).toBe(1);
    });
  });

  it('marks a stopped answer and keeps what was streamed', async () => {
    const fn: StreamChatFn = (_r, { signal, onEvent }) =>
      new Promise((resolve) => {
        onEvent(meta);
        onEvent({ type: 'delta', text: 'partial' });
        signal.addEventListener('abort', () => resolve(outcome({ aborted: true })));
      });
    await withStore(fn, async (store) => {
      const pending = store.send('long');
      expect(store.streamingRequestId()).toBe('r1');
      store.stop();
      await pending;
      expect(store.state.messages[1]).toMatchObject({ status: 'stopped', content: 'partial' });
      expect(store.streamingRequestId()).toBeUndefined();
    });
  });

  it('keeps errors on the answer they belong to', async () => {
    const fn: StreamChatFn = async () =>
      outcome({
        error: { code: 'rate_limited', message: 'Slow down', retryable: true, retryAfterMs: 3000 },
      });
    await withStore(fn, async (store) => {
      await store.send('hi');
      expect(store.state.messages[1]).toMatchObject({
        status: 'error',
        error: { code: 'rate_limited', message: 'Slow down', retryAfterMs: 3000 },
      });
    });
  });
});
