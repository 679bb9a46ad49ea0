import type { StatusSummary } from '@bastion/api';

export type StatusState = 'checking' | 'ready' | 'warming' | 'degraded' | 'offline';

export const STATUS_LABELS: Record<StatusState, string> = {
  checking: 'Checking…',
  ready: 'Ready',
  warming: 'Warming',
  degraded: 'Degraded (fallback)',
  offline: 'Offline',
};

export function stateOf(summary: StatusSummary | null): StatusState {
  if (!summary || summary.llm.path === 'unavailable') return 'offline';
  if (!summary.ready || summary.llm.path === 'warming') return 'warming';
  if (summary.llm.path === 'primary') return 'ready';
  // Answering without the primary is degraded, unless that is how the server is configured.
  const byDesign =
    !summary.llm.primary.enabled &&
    (summary.llm.path === 'fallback' || !summary.llm.fallback.configured);
  return byDesign ? 'ready' : 'degraded';
}

/** Exponential backoff with a ceiling: healthy servers are polled slowly, failures retried sooner. */
export function nextPollDelay(state: StatusState, failures: number): number {
  if (state === 'offline') return Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5));
  if (state === 'ready') return 30_000;
  return 5_000;
}
