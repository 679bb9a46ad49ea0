import { describe, expect, it } from 'vitest';
import { MemoryChatLimiter } from '../../src/chat/limits.ts';
import { DomainError } from '../../src/errors.ts';

const limits = { rate: null, maxActive: 3, maxActivePerCaller: 2, maxStreamsPerCaller: 1 };

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('MemoryChatLimiter', () => {
  it('caps answers in progress per caller and server-wide; a release gives the slot back once', async () => {
    const limiter = new MemoryChatLimiter(limits);
    const a1 = await limiter.startAnswer('a');
    await limiter.startAnswer('a');
    expect((await refusal(limiter.startAnswer('a'))).reason).toBe('too_many_answers');
    await limiter.startAnswer('b');
    expect((await refusal(limiter.startAnswer('c'))).reason).toBe('server_busy');
    a1();
    a1();
    expect(limiter.inProgress).toBe(2);
    await limiter.startAnswer('c');
    expect((await refusal(limiter.startAnswer('d'))).reason).toBe('server_busy');
  });

  it('counts answers against the rate per caller, with when to retry', async () => {
    const limiter = new MemoryChatLimiter({
      ...limits,
      maxActivePerCaller: 100,
      maxActive: 100,
      rate: { max: 2, windowMs: 60_000 },
    });
    (await limiter.startAnswer('a'))();
    (await limiter.startAnswer('a'))();
    const refused = await refusal(limiter.startAnswer('a'));
    expect(refused.reason).toBe('rate_limited');
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    await limiter.startAnswer('b');
  });

  it('does not count a refused answer against the rate', async () => {
    const limiter = new MemoryChatLimiter({ ...limits, rate: { max: 2, windowMs: 60_000 } });
    const held = [await limiter.startAnswer('a'), await limiter.startAnswer('a')];
    await refusal(limiter.startAnswer('a'));
    for (const release of held) release();
    expect((await refusal(limiter.startAnswer('a'))).reason).toBe('rate_limited');
  });

  it('caps open streams per caller', async () => {
    const limiter = new MemoryChatLimiter(limits);
    const stream = await limiter.openStream('a');
    expect((await refusal(limiter.openStream('a'))).reason).toBe('too_many_streams');
    await limiter.openStream('b');
    stream();
    await limiter.openStream('a');
  });
});
