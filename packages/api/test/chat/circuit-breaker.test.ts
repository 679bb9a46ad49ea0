import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/chat/circuit-breaker.ts';

function breaker() {
  let now = 0;
  const b = new CircuitBreaker({ threshold: 2, cooldownMs: 1_000, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and skips the provider', () => {
    const { b } = breaker();
    b.failure();
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the cooldown; success closes it', () => {
    const { b, advance } = breaker();
    b.failure();
    b.failure();
    advance(1_000);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('a failed probe opens it again for a full cooldown', () => {
    const { b, advance } = breaker();
    b.failure();
    b.failure();
    advance(1_000);
    b.tryAcquire();
    b.failure();
    expect(b.state).toBe('open');
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('honours a Retry-After hold even below the threshold', () => {
    const { b, advance } = breaker();
    b.failure(5_000);
    expect(b.tryAcquire()).toBe(false);
    advance(4_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('a success resets the count of consecutive failures', () => {
    const { b } = breaker();
    b.failure();
    b.success();
    b.failure();
    expect(b.state).toBe('closed');
  });
});
