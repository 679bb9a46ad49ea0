/**
 * Work derived from a chunk's text alone (its content words, its redacted passage), remembered
 * by chunk id between searches: the same few chunks answer question after question, and reading
 * them again cost more than ranking them.
 *
 * An entry is served only when the text it was made from is the text read now, so a chunk that
 * was re-ingested, deleted or had its id reused can never get another text's result, whatever
 * process wrote it; nothing needs invalidating. Nothing here depends on the question or on
 * collection statistics. Least recently used entries go first once `maxChars` characters of
 * source text (kept for the comparison; results are about as large) or `maxEntries` are held.
 */
export class ChunkMemo<V> {
  readonly #entries = new Map<number, { source: string; value: V }>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor({ maxEntries, maxChars }: { maxEntries: number; maxChars: number }) {
    this.#maxEntries = maxEntries;
    this.#maxChars = maxChars;
  }

  /** Characters of source text held (about half the memory, results being the other half). */
  get chars(): number {
    return this.#chars;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** `derive(source)` as remembered for chunk `id` when made from this very `source`. */
  get(id: number, source: string, derive: (source: string) => V): V {
    const entry = this.#entries.get(id);
    if (entry) {
      this.#entries.delete(id);
      this.#chars -= entry.source.length;
      if (entry.source === source) {
        this.#entries.set(id, entry);
        this.#chars += source.length;
        return entry.value;
      }
    }
    const value = derive(source);
    // A text larger than the whole budget would only push everything else out.
    if (source.length > this.#maxChars) return value;
    this.#entries.set(id, { source, value });
    this.#chars += source.length;
    for (const [oldest, { source: text }] of this.#entries) {
      if (this.#chars <= this.#maxChars && this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
      this.#chars -= text.length;
    }
    return value;
  }
}
