import { type ChatOutcome, createBastionClient, streamChat } from '@bastion/api/client';
import { DEFAULT_TOKENS } from '@bastion/api/testing';
import { describe, expect, it } from 'vitest';
import { useServerWithFakeModel } from './helpers.ts';

const FULL = DEFAULT_TOKENS.join('');
const PARALLEL = 32;

/** Question `i`, distinct so that every answer is its own run. */
const question = (i: number) => ({
  messages: [{ role: 'user' as const, content: `Question ${i}?` }],
});

/**
 * One typed client shared by a program that fires its calls at once, as a user's script does with
 * `Promise.all`: the client's batching must never turn them into a request the server cannot take.
 */
describe('one typed client, many calls at once', () => {
  const fake = useServerWithFakeModel();
  const start = async (env: Record<string, string> = {}, defaultScenario = {}) =>
    createBastionClient({ url: (await fake.start(env, defaultScenario)).url });

  const streamAll = (client: ReturnType<typeof createBastionClient>) =>
    Promise.all(Array.from({ length: PARALLEL }, (_, i) => streamChat(client, question(i))));

  it(`streams ${PARALLEL} answers started in the same tick, each complete`, async () => {
    const client = await start({
      CHAT_MAX_ACTIVE_PER_CALLER: String(PARALLEL),
      CHAT_MAX_STREAMS_PER_CALLER: String(PARALLEL),
    });
    const outcomes = await streamAll(client);
    expect(outcomes.map((o) => o.error?.code ?? null)).toEqual(Array(PARALLEL).fill(null));
    expect(outcomes.map((o) => o.content)).toEqual(Array(PARALLEL).fill(FULL));
    expect(new Set(outcomes.map((o) => o.requestId)).size).toBe(PARALLEL);
    expect(fake.primary.requests).toHaveLength(PARALLEL);
  });

  it('reports a limit it hits with its typed reason, never as a network error', async () => {
    // The defaults: a caller holds at most 4 answers in progress (answers slow enough to overlap).
    const client = await start({}, { tokens: DEFAULT_TOKENS, tokenDelayMs: 20 });
    const outcomes: ChatOutcome[] = await streamAll(client);
    const reasons = outcomes.map((o) => o.error?.code ?? 'ok');
    expect(reasons).not.toContain('network_error');
    expect(new Set(reasons)).toEqual(new Set(['ok', 'too_many_answers']));
    for (const o of outcomes.filter((x) => x.error)) {
      expect(o.error).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
    }
    expect(outcomes.filter((o) => !o.error).map((o) => o.content)).toContain(FULL);
  });

  it(`answers ${PARALLEL} cancels and ${PARALLEL} queries issued at once`, async () => {
    const client = await start();
    const ids = Array.from({ length: PARALLEL }, () => crypto.randomUUID());
    const cancels = await Promise.all(
      ids.map((requestId) => client.chat.cancel.mutate({ requestId })),
    );
    expect(cancels).toEqual(Array(PARALLEL).fill({ cancelled: false }));
    // Queries still travel batched, in as many requests as the server's path limit needs.
    const lists = await Promise.all(
      Array.from({ length: PARALLEL }, () => client.rag.collections.query()),
    );
    expect(lists).toHaveLength(PARALLEL);
    expect(new Set(lists.map((l) => JSON.stringify(l))).size).toBe(1);
  });
});
