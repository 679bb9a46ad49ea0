import type { StatusSummary } from '@bastion/api';

/** A status summary for tests: `path` is how the server would answer now. */
export function summary(
  path: StatusSummary['llm']['path'],
  primaryEnabled = true,
  fallback = false,
): StatusSummary {
  return {
    ok: true,
    ready: true,
    version: '0',
    build: 'dev',
    uptimeS: 1,
    llm: {
      path,
      primary: {
        enabled: primaryEnabled,
        baseUrl: 'http://x/v1',
        model: 'm',
        reachable: true,
        modelPresent: true,
        lastError: null,
        lastStatus: 200,
      },
      fallback: { configured: fallback, model: fallback ? 'f' : null },
      extractive: { enabled: true },
    },
    sse: { connections: 0 },
    servedBy: { primary: 0, fallback: 0, extractive: 0, guardrails: 0 },
    latencyMs: {},
    guardrails: { mode: 'enforce', flagged: 0, blocked: 0 },
    rag: { ok: true, mode: 'fts', collections: 1, documents: 1, chunks: 1, journalMode: 'wal' },
  };
}
