import type { Source } from '@bastion/api/client';

export interface MergedSource {
  title: string;
  path: string;
  url?: string;
  snippets: string[];
  /** The answer's 1-based `[n]` numbers that point at this document. */
  numbers: number[];
}

/**
 * One entry per document: several passages of one file arrive as several sources, and the
 * reader wants the document once with each passage under it. `indexOf(n)` maps a `[n]` marker to
 * its merged entry (0-based), or null for a number the answer has no source for.
 */
export function mergeSources(sources: readonly Source[]): {
  merged: MergedSource[];
  indexOf: (n: number) => number | null;
} {
  const merged: MergedSource[] = [];
  const byDocument = new Map<string, number>();
  const byNumber: number[] = [];
  sources.forEach((s, i) => {
    const key = s.url ?? s.path;
    let index = byDocument.get(key);
    if (index === undefined) {
      index = merged.length;
      byDocument.set(key, index);
      merged.push({
        title: s.title,
        path: s.path,
        ...(s.url ? { url: s.url } : {}),
        snippets: [],
        numbers: [],
      });
    }
    const entry = merged[index] as MergedSource;
    const snippet = s.snippet.trim();
    if (snippet && !entry.snippets.includes(snippet)) entry.snippets.push(snippet);
    entry.numbers.push(i + 1);
    byNumber[i + 1] = index;
  });
  return { merged, indexOf: (n) => byNumber[n] ?? null };
}
