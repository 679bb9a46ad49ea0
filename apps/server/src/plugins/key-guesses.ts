import type { FastifyRequest } from 'fastify';
import { clientAddress } from './client-address.ts';
import type { Limiter } from './rate-limit.ts';

type Refusal = { retryAfterMs: number };

/** Addresses remembered as having spent their budget; beyond this the oldest are forgotten. */
const MAX_SPENT = 10_000;

/**
 * One budget per client address for every attempt at a key: a sign-in, and a bearer key that is
 * refused on any scope that accepts keys (`/api`, `/v1`, `/metrics`). Once an address has spent
 * it, every key it presents is refused with 429 until the window ends, the right one included:
 * otherwise a 200 among 429s would still tell a guesser which key is right at request speed.
 * A valid bearer key is not counted (the limiter cannot be read without counting), so this
 * process remembers which addresses are spent; with REDIS_URL the count itself is shared and each
 * replica learns of a spent address from the first refused key it sees.
 */
export class KeyGuesses {
  private readonly limiter: Limiter;
  private readonly now: () => number;
  private readonly spent = new Map<string, number>();

  constructor(limiter: Limiter, now: () => number = Date.now) {
    this.limiter = limiter;
    this.now = now;
  }

  /** Counts one attempt; refused once the address's budget is spent. */
  async count(req: FastifyRequest): Promise<Refusal | null> {
    const refused = await this.limiter(req);
    if (refused) this.remember(clientAddress(req), this.now() + refused.retryAfterMs);
    return refused;
  }

  /** The address spent its budget and the window has not ended yet: no key is looked at. */
  blocked(req: FastifyRequest): Refusal | null {
    const address = clientAddress(req);
    const until = this.spent.get(address);
    if (until === undefined) return null;
    const retryAfterMs = until - this.now();
    if (retryAfterMs > 0) return { retryAfterMs };
    this.spent.delete(address);
    return null;
  }

  private remember(address: string, until: number): void {
    this.spent.delete(address);
    if (this.spent.size >= MAX_SPENT) {
      const now = this.now();
      for (const [known, end] of this.spent) if (end <= now) this.spent.delete(known);
      if (this.spent.size >= MAX_SPENT) {
        const oldest = this.spent.keys().next().value;
        if (oldest !== undefined) this.spent.delete(oldest);
      }
    }
    this.spent.set(address, until);
  }
}
