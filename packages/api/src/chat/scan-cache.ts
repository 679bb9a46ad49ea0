import { createHash } from 'node:crypto';
import { type ChatMessage, detectInjection, type InjectionResult } from '@bastion/guardrails';

export interface ScanCacheLimits {
  /** Most verdicts kept. */
  maxEntries: number;
  /** Most bytes the entries take (key, labels and a fixed cost each; never the scanned text). */
  maxBytes: number;
}

const DEFAULT_LIMITS: ScanCacheLimits = { maxEntries: 20_000, maxBytes: 8 * 1024 * 1024 };
/** What an entry costs besides its key and labels: the map slot, the verdict and its array. */
const ENTRY_OVERHEAD = 200;

/**
 * `detectInjection` verdicts remembered by a SHA-256 digest of the exact text. The same chunks come
 * back for many questions, and a conversation sends its earlier answers back with every question;
 * detection is deterministic, so a verdict holds for exactly as long as the text is the same. The
 * digest is taken over the UTF-16 code units (UTF-8 would turn every lone surrogate into U+FFFD and
 * give two different texts one key), so a text that differs in any code unit is scanned afresh.
 * Only the digest is kept: an entry costs the same whatever the size of the text.
 */
export class ScanCache {
  private readonly entries = new Map<string, { scan: InjectionResult; bytes: number }>();
  private bytes = 0;
  private readonly limits: ScanCacheLimits;
  private readonly detect: (text: string) => InjectionResult;

  constructor(limits: ScanCacheLimits = DEFAULT_LIMITS, detect = detectInjection) {
    this.limits = limits;
    this.detect = detect;
  }

  scan(text: string): InjectionResult {
    const key = createHash('sha256').update(text, 'utf16le').digest('base64');
    const known = this.entries.get(key);
    if (known) {
      // Re-inserted to keep recently used entries last (a Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.scan;
    }
    const scan = this.detect(text);
    const bytes = ENTRY_OVERHEAD + key.length + scan.patterns.reduce((n, p) => n + p.length, 0);
    this.entries.set(key, { scan, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return scan;
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /**
   * The turns `checkMessages` still has to read. It reads an assistant turn on its own, as a
   * document, which is what `detectInjection` does: a turn this cache knows to be clean adds
   * nothing to the verdict and is left out, so a long conversation's earlier answers are not
   * scanned again with every question. User turns are also read together (an instruction split
   * across messages), so every one of them stays. The tests hold the verdict to be the same as
   * for the whole conversation.
   */
  turnsToCheck<M extends ChatMessage>(messages: readonly M[]): M[] {
    return messages.filter((m) => m.role !== 'assistant' || this.scan(m.content).flagged);
  }
}
