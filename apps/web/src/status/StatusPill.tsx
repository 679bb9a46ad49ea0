import type { StatusSummary } from '@bastion/api';
import { createSignal, onCleanup, onMount } from 'solid-js';
import { nextPollDelay, STATUS_LABELS, type StatusState, stateOf } from './status-state.ts';

export interface StatusPillProps {
  fetchSummary: () => Promise<StatusSummary>;
}

export function StatusPill(props: StatusPillProps) {
  const [state, setState] = createSignal<StatusState>('checking');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let disposed = false;

  const poll = async () => {
    let next: StatusState;
    try {
      next = stateOf(await props.fetchSummary());
      failures = 0;
    } catch {
      next = 'offline';
      failures += 1;
    }
    if (disposed) return;
    setState(next);
    timer = setTimeout(poll, nextPollDelay(next, failures));
  };

  onMount(() => void poll());
  onCleanup(() => {
    disposed = true;
    clearTimeout(timer);
  });

  return (
    <output class="status-pill" data-testid="status-pill" data-state={state()} aria-live="polite">
      <span class="status-dot" aria-hidden="true" />
      {STATUS_LABELS[state()]}
    </output>
  );
}
