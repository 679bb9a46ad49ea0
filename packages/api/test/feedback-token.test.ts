import { describe, expect, it } from 'vitest';
import { FeedbackTokens, feedbackTokens } from '../src/feedback/token.ts';
import { useRedis } from './shared-state/redis.ts';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('feedback tokens', () => {
  it('accepts one spelling of a token only', async () => {
    const tokens = new FeedbackTokens();
    const token = tokens.issue('request-1');
    const last = BASE64URL.indexOf(token.at(-1) as string);
    // The last character's two low bits are not part of the MAC: flipping one decodes the same.
    const respelled = `${token.slice(0, -1)}${BASE64URL[last ^ 1]}`;
    expect(await tokens.check(token, 'request-1')).toBe('ok');
    expect(await tokens.check(respelled, 'request-1')).toBe('invalid');
  });
});

describe('feedback tokens across replicas on one Redis', () => {
  const redisOf = useRedis();

  it('agree on a key again after Redis lost it and a replica made a new one', async () => {
    const a = await feedbackTokens(redisOf());
    const b = await feedbackTokens(redisOf());
    expect(await b.check(a.issue('before'), 'before')).toBe('ok');

    await redisOf().flushall(); // a Redis without persistence restarted
    const c = await feedbackTokens(redisOf()); // a replica (re)started afterwards: a new key
    // A replica that still holds the old key takes the new one on the first token it cannot
    // verify, and issues with it from then on.
    expect(await a.check(c.issue('after'), 'after')).toBe('ok');
    expect(await c.check(a.issue('after-2'), 'after-2')).toBe('ok');
    // A token signed with the old key (b has not re-read yet) still holds at a.
    const early = b.issue('early');
    expect(await a.check(early, 'early')).toBe('ok');
  });

  it('refuses a forged token however often it is sent', async () => {
    const a = await feedbackTokens(redisOf());
    const forged = `${(Date.now() + 60_000).toString(36)}.${'A'.repeat(43)}`;
    for (let i = 0; i < 20; i++) expect(await a.check(forged, 'x')).toBe('invalid');
  });
});
