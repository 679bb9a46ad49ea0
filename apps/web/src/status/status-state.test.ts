import { describe, expect, it } from 'vitest';
import { nextPollDelay, stateOf } from './status-state.ts';
import { summary } from './summary.fixture.ts';

describe('stateOf', () => {
  it('maps the answering path to the pill', () => {
    expect(stateOf(summary('primary'))).toBe('ready');
    expect(stateOf(summary('warming'))).toBe('warming');
    expect(stateOf(summary('fallback', true, true))).toBe('degraded');
    expect(stateOf(summary('extractive'))).toBe('degraded');
    expect(stateOf(summary('unavailable'))).toBe('offline');
    expect(stateOf(null)).toBe('offline');
  });

  it('is ready when the server is configured to answer without a primary', () => {
    expect(stateOf(summary('extractive', false, false))).toBe('ready');
    expect(stateOf(summary('fallback', false, true))).toBe('ready');
  });

  it('is warming while storage is not ready', () => {
    expect(stateOf({ ...summary('primary'), ready: false })).toBe('warming');
  });
});

describe('nextPollDelay', () => {
  it('backs off exponentially while offline, capped at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => nextPollDelay('offline', n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('polls a healthy server slowly and a warming one sooner', () => {
    expect(nextPollDelay('ready', 0)).toBe(30_000);
    expect(nextPollDelay('warming', 0)).toBe(5_000);
  });
});
