import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatEvent } from '../../src/chat/types.ts';
import { type BastionClient, streamChat } from '../../src/client/index.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };
const META: ChatEvent = {
  type: 'meta',
  requestId: 'r1',
  servedBy: 'primary',
  model: 'm',
  grounded: false,
  sources: [],
  guardrails: { flagged: false, blocked: false, reason: null, patterns: [] },
  feedbackToken: 'streamed-token',
};
const DONE: ChatEvent = {
  type: 'done',
  servedBy: 'primary',
  finishReason: 'stop',
  timings: { firstTokenMs: 1, totalMs: 2 },
};
const ANSWER: ChatCompletion = {
  requestId: 'r2',
  servedBy: 'fallback',
  model: 'm2',
  content: 'Recovered answer.',
  grounded: false,
  sources: [],
  guardrails: { flagged: false, blocked: false, reason: null, patterns: [] },
  finishReason: 'stop',
  timings: { firstTokenMs: 1, totalMs: 2 },
  feedbackToken: 'fallback-token',
};

/**
 * The typed client's procedures, scripted: `chat.stream` plays `events` (tracked ids as the
 * server gives them) and every `chat.complete` call is counted.
 */
function scripted(events: ChatEvent[]) {
  const calls = { start: 0, complete: 0, cancel: 0 };
  const client = {
    chat: {
      start: {
        mutate: async () => {
          calls.start += 1;
          return { requestId: '00000000-0000-4000-8000-000000000001' };
        },
      },
      stream: {
        subscribe: (
          _input: unknown,
          handlers: { onData: (e: { id: string; data: ChatEvent }) => void },
        ) => {
          queueMicrotask(() => {
            events.forEach((data, i) => {
              handlers.onData({ id: `r1:${i}`, data });
            });
          });
          return { unsubscribe() {} };
        },
      },
      complete: {
        mutate: async () => {
          calls.complete += 1;
          return ANSWER;
        },
      },
      cancel: {
        mutate: async () => {
          calls.cancel += 1;
          return { cancelled: true };
        },
      },
    },
  };
  return { client: client as unknown as BastionClient, calls };
}

describe('streamChat', () => {
  it('follows a stream that ended done with no text with exactly one chat.complete', async () => {
    const { client, calls } = scripted([META, DONE]);
    const seen: ChatEvent['type'][] = [];
    const outcome = await streamChat(client, QUESTION, { onEvent: (e) => seen.push(e.type) });
    expect(calls).toEqual({ start: 1, complete: 1, cancel: 0 });
    expect(outcome).toMatchObject({
      content: 'Recovered answer.',
      servedBy: 'fallback',
      completedByFallback: true,
      error: null,
      // The answer shown is the fallback's: it is the one to rate.
      requestId: 'r2',
      feedbackToken: 'fallback-token',
    });
    expect(seen).toEqual(['meta', 'done', 'meta', 'delta', 'done']);
  });

  it.each([
    ['output_blocked', false],
    ['rate_limited', true],
    ['unauthenticated', false],
  ] as const)('never retries after an error event (%s)', async (code, retryable) => {
    const { client, calls } = scripted([{ type: 'error', code, message: 'no', retryable }]);
    const outcome = await streamChat(client, QUESTION);
    expect(calls.complete).toBe(0);
    expect(outcome).toMatchObject({ completedByFallback: false, error: { code, retryable } });
  });

  it('keeps the streamed answer when it has text', async () => {
    const { client, calls } = scripted([META, { type: 'delta', text: 'Hello.' }, DONE]);
    const outcome = await streamChat(client, QUESTION);
    expect(calls.complete).toBe(0);
    expect(outcome).toMatchObject({
      content: 'Hello.',
      completedByFallback: false,
      feedbackToken: 'streamed-token',
    });
  });

  it('names the started run before its first event (what a page going away cancels)', async () => {
    const { client } = scripted([META, { type: 'delta', text: 'Hello.' }, DONE]);
    const seen: string[] = [];
    await streamChat(client, QUESTION, {
      onStarted: (id) => seen.push(`started ${id}`),
      onEvent: (e) => seen.push(e.type),
    });
    expect(seen).toEqual(['started 00000000-0000-4000-8000-000000000001', 'meta', 'delta', 'done']);
  });

  it('cancels the run on the server when aborted', async () => {
    const { client, calls } = scripted([META, { type: 'delta', text: 'Hel' }]);
    const controller = new AbortController();
    const outcome = await streamChat(client, QUESTION, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'delta') controller.abort();
      },
    });
    expect(outcome.aborted).toBe(true);
    expect(calls).toMatchObject({ cancel: 1, complete: 0 });
  });
});
