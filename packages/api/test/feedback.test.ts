import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/context.ts';
import { Feedback, NOTE_MAX_CHARS } from '../src/feedback/feedback.ts';
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
  const feedback = new Feedback(storage.db, registry);
  const caller = createCaller({ deps: testDeps({ feedback }), requestId: 'r', actor });
  const rows = () =>
    sql<Record<string, unknown>>`select * from feedback order by created_at`
      .execute(storage.db)
      .then((r) => r.rows);
  return { caller, feedback, registry, rows };
}

describe('feedback.submit', () => {
  it('keeps one rating per answer and visitor: a second one replaces the first', async () => {
    const { caller, feedback, rows } = await setup();
    const requestId = randomUUID();
    const visitorId = randomUUID();
    expect(await caller.feedback.submit({ requestId, rating: 'up', visitorId })).toEqual({
      replaced: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(
      await caller.feedback.submit({ requestId, rating: 'down', note: 'wrong port', visitorId }),
    ).toEqual({ replaced: true });
    // Another visitor rates the same answer separately.
    await caller.feedback.submit({ requestId, rating: 'up', visitorId: randomUUID() });
    expect(await feedback.totals()).toEqual({ up: 1, down: 1, ratio: 0.5 });
    const stored = await rows();
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ request_id: requestId, rating: 'down', note: 'wrong port' });
  });

  it('stores no message content and never the caller’s address, only the ids', async () => {
    const { caller, rows } = await setup({
      keyId: null,
      role: 'anonymous',
      callerId: '203.0.113.7',
    } as Actor);
    await caller.feedback.submit({ requestId: randomUUID(), rating: 'up' });
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
    const { caller, rows } = await setup({ keyId: 'cli', role: 'user' });
    await caller.feedback.submit({ requestId: randomUUID(), rating: 'down' });
    expect((await rows())[0]!.visitor).toBe('key:cli');
  });

  it('redacts secrets in the note and caps its length', async () => {
    const { caller, rows } = await setup();
    const key = ['AKIA', 'IOSFODNN7EXAMPLF'].join(''); // secret-scan: allow
    await caller.feedback.submit({
      requestId: randomUUID(),
      rating: 'down',
      note: `my key ${key}`,
    });
    const note = String((await rows())[0]!.note);
    expect(note).not.toContain(key);
    expect(note).toContain('my key');
    expect(
      await failureReason(
        caller.feedback.submit({
          requestId: randomUUID(),
          rating: 'up',
          note: 'x'.repeat(NOTE_MAX_CHARS + 1),
        }),
      ),
    ).toBe('invalid_input');
  });

  it('refuses malformed input with invalid_input', async () => {
    const { caller } = await setup();
    for (const input of [
      { requestId: 'x', rating: 'up' },
      { requestId: randomUUID(), rating: 'meh' },
      { requestId: '../../etc/passwd', rating: 'up' },
      { requestId: randomUUID(), rating: 'up', visitorId: 'me' },
      { requestId: randomUUID(), rating: 'up', content: 'the question' },
    ]) {
      expect(
        await failureReason(caller.feedback.submit(input as never)),
        JSON.stringify(input),
      ).toBe('invalid_input');
    }
  });

  it('counts submissions in the metrics registry', async () => {
    const { caller, registry } = await setup();
    await caller.feedback.submit({ requestId: randomUUID(), rating: 'up' });
    await caller.feedback.submit({ requestId: randomUUID(), rating: 'down' });
    await caller.feedback.submit({ requestId: randomUUID(), rating: 'down' });
    const text = await registry.metrics();
    expect(text).toContain('bastion_feedback_total{rating="up"} 1');
    expect(text).toContain('bastion_feedback_total{rating="down"} 2');
  });

  it('answers feedback_unavailable without storage', async () => {
    const caller = createCaller({ deps: testDeps(), requestId: 'r', actor: anonymous });
    expect(
      await failureReason(caller.feedback.submit({ requestId: randomUUID(), rating: 'up' })),
    ).toBe('feedback_unavailable');
  });
});
