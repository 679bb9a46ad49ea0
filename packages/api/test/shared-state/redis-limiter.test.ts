import { describe, expect, it } from 'vitest';
import { withoutSent } from '../../src/chat/chat-service.ts';
import type { ChatEvent } from '../../src/chat/types.ts';
import { RedisChatLimiter } from '../../src/shared-state/redis-limiter.ts';
import { useRedis } from './redis.ts';

const limits = {
  rate: { max: 3, windowMs: 60_000 },
  maxActive: 2,
  maxActivePerCaller: 1,
  maxStreamsPerCaller: 1,
};
const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { reason?: string }) => error.reason ?? 'thrown',
  );

describe('RedisChatLimiter (two replicas on one real Redis)', () => {
  const redisOf = useRedis();

  it('counts caps across replicas and frees a dead replica’s slots when its leases expire', async () => {
    const prefix = 'caps:';
    const a = new RedisChatLimiter(redisOf(), limits, { prefix, leaseMs: 400 });
    const b = new RedisChatLimiter(redisOf(), limits, { prefix, leaseMs: 400 });
    const held = await a.startAnswer('key:x');
    expect(await reasonOf(b.startAnswer('key:x'))).toBe('too_many_answers');
    await b.startAnswer('key:y');
    expect(await reasonOf(b.startAnswer('key:z'))).toBe('server_busy');
    // A live replica renews what it holds past the lease time (both slots still taken).
    await new Promise((r) => setTimeout(r, 700));
    expect(await reasonOf(b.startAnswer('key:x'))).toBe('server_busy');
    // Replica a dies without releasing: its lease runs out and the slot comes back.
    a.close();
    await new Promise((r) => setTimeout(r, 700));
    const again = await b.startAnswer('key:x');
    again();
    held(); // a late release of an expired lease changes nothing
    b.close();
  });

  it('holds the caller’s rate across replicas and says when to retry', async () => {
    const prefix = 'rate:';
    const [a, b] = [0, 1].map(() => new RedisChatLimiter(redisOf(), limits, { prefix }));
    for (const limiter of [a!, b!, a!]) (await limiter.startAnswer('key:r'))();
    const refused = await b!.startAnswer('key:r').catch((e) => e);
    expect(refused.reason).toBe('rate_limited');
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    a!.close();
    b!.close();
  });

  it('caps open streams per caller and releases once', async () => {
    const limiter = new RedisChatLimiter(redisOf(), limits, { prefix: 'streams:' });
    const release = await limiter.openStream('key:s');
    expect(await reasonOf(limiter.openStream('key:s'))).toBe('too_many_streams');
    release();
    release();
    await new Promise((r) => setTimeout(r, 50));
    (await limiter.openStream('key:s'))();
    limiter.close();
  });
});

async function* events(list: ChatEvent[]) {
  yield* list;
}
async function collect(source: AsyncIterable<ChatEvent>) {
  const out: ChatEvent[] = [];
  for await (const event of source) out.push(event);
  return out;
}
const meta = { type: 'meta', requestId: 'r' } as ChatEvent;
const done = { type: 'done', servedBy: 'primary', finishReason: 'stop' } as ChatEvent;
const delta = (text: string): ChatEvent => ({ type: 'delta', text });

describe('a re-driven answer (withoutSent)', () => {
  it('sends only the text after what viewers already have, whatever the chunk boundaries', async () => {
    const sent = [meta, delta('Bastion i'), delta('s a')];
    const again = [meta, delta('Bast'), delta('ion is a har'), delta('dened assistant.'), done];
    expect(await collect(withoutSent(events(again), sent))).toEqual([
      delta(' har'),
      delta('dened assistant.'),
      done,
    ]);
  });

  it('ends with a typed error instead of a second version when the text differs or is shorter', async () => {
    const sent = [meta, delta('Bastion is')];
    const other = await collect(withoutSent(events([meta, delta('Something else'), done]), sent));
    expect(other).toEqual([expect.objectContaining({ type: 'error', code: 'stream_error' })]);
    const shorter = await collect(withoutSent(events([meta, delta('Bast'), done]), sent));
    expect(shorter).toEqual([expect.objectContaining({ type: 'error', code: 'stream_error' })]);
  });
});
