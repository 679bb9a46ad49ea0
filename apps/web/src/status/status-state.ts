import type { StatusSummary } from '@bastion/api';
import type { PillState } from './vocabulary.ts';

/** The pill shows the API's own answer path; storage that is not ready yet is warming too. */
export function stateOf(summary: StatusSummary): PillState {
  return summary.ready ? summary.llm.path : 'warming';
}

/** Exponential backoff with a ceiling: healthy servers are polled slowly, failures retried sooner. */
export function nextPollDelay(state: PillState, failures: number): number {
  if (state === 'offline') return Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5));
  if (state === 'primary' || state === 'signed-out') return 30_000;
  return 5_000;
}
