import { redactSecrets } from '@bastion/guardrails';

/** Private-use characters that `snippet()` puts around matched terms. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

/** Text without any marker characters, so that only `snippet()`'s markers become highlights. */
export function stripMarkers(text: string): string {
  return text.replace(MARKERS, '');
}

/**
 * The one gate every snippet passes before it leaves the server: secrets are redacted, and
 * matched terms are shown in `**bold**`. When anything was redacted the highlights are dropped,
 * so that no marker can split a secret and hide it from the redactor.
 */
export function sanitizeSnippet(raw: string): string {
  const plain = stripMarkers(raw);
  const redacted = redactSecrets(plain);
  if (redacted.redactions.length > 0) return redacted.text;
  return raw.replaceAll(MATCH_START, '**').replaceAll(MATCH_END, '**');
}

/** Chunk text handed to chat (prompt context, extractive answers), secrets redacted. */
export function sanitizePassageText(text: string): string {
  return redactSecrets(stripMarkers(text)).text;
}

/** Stored metadata (titles, paths, URLs) as it may leave the server: secrets redacted. */
export function sanitizeMetadata<T extends { title: string; path: string; url: string | null }>(
  row: T,
): T {
  return {
    ...row,
    title: sanitizePassageText(row.title),
    path: sanitizePassageText(row.path),
    url: row.url === null ? null : sanitizePassageText(row.url),
  };
}
