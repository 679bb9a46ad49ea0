import { createHash } from 'node:crypto';
import {
  type AnalyzeOptions,
  analyzeInjection,
  type InjectionResult,
  type InjectionScanner,
} from '@bastion/guardrails';

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
 * `analyzeInjection` verdicts remembered by a SHA-256 digest of the exact text and of how it was
 * read (as a document or as direct input). The same chunks come back for many questions, and a
 * conversation sends its earlier turns back with every question; detection is deterministic, so a
 * verdict holds for exactly as long as the text is the same. The digest is taken over the UTF-16
 * code units (UTF-8 would turn every lone surrogate into U+FFFD and give two different texts one
 * key), so a text that differs in any code unit is scanned afresh. Only the digest is kept: an
 * entry costs the same whatever the size of the text.
 */
export class ScanCache {
  private readonly entries = new Map<string, { scan: InjectionResult; bytes: number }>();
  private bytes = 0;
  private readonly limits: ScanCacheLimits;
  private readonly detect: InjectionScanner;

  constructor(
    limits: ScanCacheLimits = DEFAULT_LIMITS,
    detect: InjectionScanner = analyzeInjection,
  ) {
    this.limits = limits;
    this.detect = detect;
  }

  /** Reads `text`, as a retrieved document unless told otherwise (`checkMessages` takes it). */
  readonly scan = (
    text: string,
    options: AnalyzeOptions = { documents: true },
  ): InjectionResult => {
    const key = createHash('sha256')
      .update(options.documents ? 'd' : 'u')
      .update(text, 'utf16le')
      .digest('base64');
    const known = this.entries.get(key);
    if (known) {
      // Re-inserted to keep recently used entries last (a Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, known);
      return known.scan;
    }
    const scan = this.detect(text, { documents: options.documents });
    const bytes = ENTRY_OVERHEAD + key.length + scan.patterns.reduce((n, p) => n + p.length, 0);
    this.entries.set(key, { scan, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return scan;
  };

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }
}
