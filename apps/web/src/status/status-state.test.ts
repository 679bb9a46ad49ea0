import { describe, expect, it } from 'vitest';
import { nextPollDelay } from './status-state.ts';

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
