import { describe, expect, it } from 'vitest';
import { nextPollDelay, stateOf } from './status-state.ts';
import { summary } from './summary.fixture.ts';
import { PILL_LABELS, SERVED_BY_LABELS } from './vocabulary.ts';

describe('stateOf', () => {
  it('is the API’s own answer path', () => {
    for (const path of ['primary', 'warming', 'fallback', 'extractive', 'unavailable'] as const) {
      expect(stateOf(summary(path))).toBe(path);
    }
  });

  it('is warming while storage is not ready', () => {
    expect(stateOf({ ...summary('primary'), ready: false })).toBe('warming');
  });

  it('names a served-by badge with the pill’s words', () => {
    expect(SERVED_BY_LABELS.extractive).toBe(PILL_LABELS.extractive);
    expect(SERVED_BY_LABELS.fallback).toBe(PILL_LABELS.fallback);
    expect(SERVED_BY_LABELS.primary).toBe(PILL_LABELS.primary);
  });
});

describe('nextPollDelay', () => {
  it('backs off exponentially while offline, capped at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => nextPollDelay('offline', n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('polls a healthy server slowly and a warming one sooner', () => {
    expect(nextPollDelay('primary', 0)).toBe(30_000);
    expect(nextPollDelay('warming', 0)).toBe(5_000);
  });
});
