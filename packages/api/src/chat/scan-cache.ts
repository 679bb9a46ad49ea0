import { detectInjection } from '@bastion/guardrails';

export type PassageScan = ReturnType<typeof detectInjection>;

/**
 * Injection scans of retrieved passages, remembered by text: the same chunks come back for many
 * questions, and a scan is pure, so it only has to run once per distinct chunk.
 */
export class PassageScanner {
  private readonly cache = new Map<string, PassageScan>();
  private readonly capacity: number;

  constructor(capacity = 5_000) {
    this.capacity = capacity;
  }

  scan(text: string): PassageScan {
    const known = this.cache.get(text);
    if (known) {
      // Re-insert to keep recently used entries last (Map keeps insertion order).
      this.cache.delete(text);
      this.cache.set(text, known);
      return known;
    }
    const result = detectInjection(text);
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(text, result);
    return result;
  }
}
