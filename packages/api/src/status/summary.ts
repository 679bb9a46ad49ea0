import { collectionAllowed } from '../auth/collections.ts';
import type { LlmStatus } from '../chat/llm-status.ts';
import type { ServedBy } from '../chat/types.ts';
import type { Actor, ApiDeps } from '../context.ts';
import { type RagStatus, ragStatus } from '../rag/knowledge-base.ts';

export interface StatusSummary {
  ok: boolean;
  ready: boolean;
  version: string;
  build: string;
  uptimeS: number;
  llm: LlmStatus;
  sse: { connections: number };
  servedBy: Record<ServedBy, number>;
  latencyMs: Partial<Record<ServedBy, { p50: number; p95: number }>>;
  guardrails: { mode: 'enforce' | 'log'; flagged: number; blocked: number };
  rag: RagStatus;
}

/** The summary `actor` may see: knowledge base counts of the collections it may read only. */
export function statusSummary(deps: ApiDeps, actor: Actor, now = Date.now()): StatusSummary {
  const ready = deps.isReady();
  const llm = deps.chat.health.status();
  const { metrics } = deps.chat;
  return {
    ok: ready && llm.path !== 'unavailable',
    ready,
    version: deps.build.version,
    build: deps.build.build,
    uptimeS: Math.max(0, Math.floor((now - deps.build.startedAt) / 1000)),
    llm,
    sse: { connections: metrics.openConnections },
    servedBy: { ...metrics.servedBy },
    latencyMs: metrics.latencySummary(),
    guardrails: { mode: deps.chat.guardrailsMode, ...metrics.guardrails },
    rag: ragStatus(deps.kb, (collection) => collectionAllowed(actor, collection)),
  };
}
