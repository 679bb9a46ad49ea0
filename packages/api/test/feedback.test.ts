import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/context.ts';
import { Feedback, NOTE_MAX_CHARS } from '../src/feedback/feedback.ts';
import { FEEDBACK_TOKEN_TTL_MS, FeedbackTokens } from '../src/feedback/token.ts';
import { createCaller } from '../src/root.ts';
import { testDeps } from './deps.ts';
import { cleanup, onCleanup, tempDir } from './rag/temp.ts';
import { failureReason } from './reason.ts';
import { openTestStorage } from './storage.ts';

afterEach(cleanup);

const anonymous: Actor = { keyId: null, role: 'anonymous' };

async function setup(actor: Actor = anonymous) {
  const storage = await openTestStorage(join(tempDir('bastion-feedback-'), 'bastion.sqlite'));
  onCleanup(() => storage.close());
  const registry = new Registry();
  const tokens = new FeedbackTokens();
  const feedback = new Feedback(storage.db, registry, tokens);
  const caller = createCaller({ deps: testDeps({ feedback }), requestId: 'r', actor });
  /** An answer this caller was given: its request id and feedback token. */
  const answer = async () => {
    const { requestId, feedbackToken } = await caller.chat.complete({
      messages: [{ role: 'user', content: 'Which port?' }],
    });
    return { requestId, token: feedbackToken ?? '' };
  };
  const rows = () =>
    sql<Record<string, unknown>>`select * from feedback order by created_at`
      .execute(storage.db)
      .then((r) => r.rows);
  return { caller, feedback, registry, rows, answer, tokens };
}

describe('feedback.submit', () => {
  it('comes with every answer: chat.complete carries a feedback token that submit accepts', async () => {
    const { caller, answer, feedback } = await setup();
    const given = await answer();
    expect(given.token).toMatch(/^[0-9a-z]+\.[\w-]{43}$/);
    expect(await caller.feedback.submit({ ...given, rating: 'up' })).toEqual({ replaced: false });
    expect(await feedback.totals()).toEqual({ up: 1, down: 0, ratio: 1 });
  });

  it('refuses answers that never existed or were not the caller’s: feedback_not_allowed', async () => {
    const { caller, answer, rows } = await setup();
    const mine = await answer();
    const other = await answer();
    const forged = `${mine.token.split('.')[0]}.${'A'.repeat(43)}`;
    const elsewhere = new FeedbackTokens().issue(mine.requestId);
    for (const attempt of [
      // An invented id with a token of another answer, another answer's token, a forged MAC,
      // a token signed with another key, a later expiry on a real MAC.
      { requestId: randomUUID(), token: mine.token },
      { requestId: mine.requestId, token: other.token },
      { requestId: mine.requestId, token: forged },
      { requestId: mine.requestId, token: elsewhere },
      { requestId: mine.requestId, token: `zzzzzzzz.${mine.token.split('.')[1]}` },
    ]) {
      expect(
        await failureReason(caller.feedback.submit({ ...attempt, rating: 'up' })),
        JSON.stringify(attempt),
      ).toBe('feedback_not_allowed');
    }
    // Without a token at all the input is invalid.
    expect(
      await failureReason(
        caller.feedback.submit({ requestId: mine.requestId, rating: 'up' } as never),
      ),
    ).toBe('invalid_input');
    expect(await rows()).toHaveLength(0);
  });

  it('refuses a token past its lifetime: feedback_expired', async () => {
    const { feedback, tokens } = await setup();
    const requestId = randomUUID();
    const token = tokens.issue(requestId, Date.now() - FEEDBACK_TOKEN_TTL_MS - 1);
    await expect(
      feedback.submit({ requestId, token, rating: 'up' }, 'anonymous'),
    ).rejects.toMatchObject({
      reason: 'feedback_expired',
    });
  });

  it('keeps one rating per answer: a second replaces the first, other visitor ids add nothing', async () => {
    const { caller, feedback, rows, answer } = await setup();
    const given = await answer();
    const visitorId = randomUUID();
    expect(await caller.feedback.submit({ ...given, rating: 'up', visitorId })).toEqual({
      replaced: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(
      await caller.feedback.submit({ ...given, rating: 'down', note: 'wrong port', visitorId }),
    ).toEqual({ replaced: true });
    // Counter inflation: the same answer under a hundred invented visitor ids is still one vote.
    for (let i = 0; i < 100; i++) {
      await caller.feedback.submit({ ...given, rating: 'up', visitorId: randomUUID() });
    }
    await caller.feedback.submit({ ...given, rating: 'down' });
    expect(await feedback.totals()).toEqual({ up: 0, down: 1, ratio: 0 });
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ request_id: given.requestId, rating: 'down' });
  });

  it('stores no message content and never the caller’s address, only the ids', async () => {
    const { caller, rows, answer } = await setup({
      keyId: null,
      role: 'anonymous',
      callerId: '203.0.113.7',
    } as Actor);
    await caller.feedback.submit({ ...(await answer()), rating: 'up' });
    const [row] = await rows();
    expect(Object.keys(row!).sort()).toEqual([
      'created_at',
      'note',
      'rating',
      'request_id',
      'updated_at',
      'visitor',
    ]);
    expect(row!.visitor).toBe('anonymous');
  });

  it('files a keyed caller’s rating under its key id', async () => {
    const { caller, rows, answer } = await setup({ keyId: 'cli', role: 'user' });
    await caller.feedback.submit({ ...(await answer()), rating: 'down' });
    expect((await rows())[0]!.visitor).toBe('key:cli');
  });

  it('redacts secrets in the note and caps its length', async () => {
    const { caller, rows, answer } = await setup();
    const key = ['AKIA', 'IOSFODNN7EXAMPLF'].join(''); // secret-scan: allow
    await caller.feedback.submit({ ...(await answer()), rating: 'down', note: `my key ${key}` });
    const note = String((await rows())[0]!.note);
    expect(note).not.toContain(key);
    expect(note).toContain('my key');
    expect(
      await failureReason(
        caller.feedback.submit({
          ...(await answer()),
          rating: 'up',
          note: 'x'.repeat(NOTE_MAX_CHARS + 1),
        }),
      ),
    ).toBe('invalid_input');
  });

  it('refuses malformed input with invalid_input', async () => {
    const { caller, answer } = await setup();
    const given = await answer();
    for (const input of [
      { ...given, requestId: 'x', rating: 'up' },
      { ...given, rating: 'meh' },
      { ...given, requestId: '../../etc/passwd', rating: 'up' },
      { ...given, rating: 'up', visitorId: 'me' },
      { ...given, rating: 'up', content: 'the question' },
      { ...given, token: `${given.token}x`, rating: 'up' },
    ]) {
      expect(
        await failureReason(caller.feedback.submit(input as never)),
        JSON.stringify(input),
      ).toBe('invalid_input');
    }
  });

  it('counts submissions in the metrics registry', async () => {
    const { caller, registry, answer } = await setup();
    await caller.feedback.submit({ ...(await answer()), rating: 'up' });
    await caller.feedback.submit({ ...(await answer()), rating: 'down' });
    await caller.feedback.submit({ ...(await answer()), rating: 'down' });
    const text = await registry.metrics();
    expect(text).toContain('bastion_feedback_total{rating="up"} 1');
    expect(text).toContain('bastion_feedback_total{rating="down"} 2');
  });

  it('answers feedback_unavailable without storage', async () => {
    const caller = createCaller({ deps: testDeps(), requestId: 'r', actor: anonymous });
    const token = new FeedbackTokens().issue('r1234567');
    expect(
      await failureReason(caller.feedback.submit({ requestId: 'r1234567', token, rating: 'up' })),
    ).toBe('feedback_unavailable');
  });
});
