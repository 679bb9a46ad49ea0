export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long an open circuit skips the provider before letting one probe through. */
  cooldownMs: number;
  now?: () => number;
}

/**
 * Closed → (threshold failures) → open → (cooldown) → half-open: one probe; success closes it,
 * failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  private readonly options: Required<CircuitBreakerOptions>;

  constructor(options: CircuitBreakerOptions) {
    this.options = { now: Date.now, ...options };
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.failures < this.options.threshold && this.openUntil === 0) return 'closed';
    return this.options.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** Whether a request may go through now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  /** Records a failure; `holdMs` (e.g. from Retry-After) keeps the circuit open at least that long. */
  failure(holdMs = 0): void {
    this.failures += 1;
    this.probing = false;
    if (this.failures >= this.options.threshold || holdMs > 0) {
      this.openUntil = this.options.now() + Math.max(this.options.cooldownMs, holdMs);
    }
  }

  /** Releases a probe slot that ended without a verdict (the client aborted). */
  release(): void {
    this.probing = false;
  }
}
