import type { StatusSummary } from '@bastion/api';
import { createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { isAuthError } from '../session/auth-error.ts';
import type { AuthState } from '../session/session.ts';
import { nextPollDelay, stateOf } from './status-state.ts';
import { PILL_DESCRIPTIONS, PILL_LABELS, type PillState } from './vocabulary.ts';

export interface StatusPillProps {
  fetchSummary: () => Promise<StatusSummary>;
  /**
   * The page's sign-in state, which overrides the polled one: the page may know it is signed out
   * before the next poll, and a guest of a PUBLIC_CHAT server may not read the summary at all.
   */
  access?: () => AuthState;
  onAuthError?: () => void;
  /** Every summary as it arrives (the empty state reads the knowledge base counts from it). */
  onSummary?: (summary: StatusSummary) => void;
  /** Polls again at once whenever this changes (e.g. after signing in). */
  refresh?: () => unknown;
}

export function StatusPill(props: StatusPillProps) {
  const [polled, setPolled] = createSignal<PillState>('checking');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let disposed = false;

  const poll = async () => {
    let next: PillState;
    try {
      const summary = await props.fetchSummary();
      props.onSummary?.(summary);
      next = stateOf(summary);
      failures = 0;
    } catch (error) {
      if (isAuthError(error)) {
        next = 'signed-out';
        props.onAuthError?.();
      } else {
        next = 'offline';
        failures += 1;
      }
    }
    if (disposed) return;
    setPolled(next);
    timer = setTimeout(poll, nextPollDelay(next, failures));
  };

  // The first request in a task of its own: the page's start-up is a series of short tasks.
  onMount(() => {
    timer = setTimeout(poll, 0);
  });
  if (props.refresh) {
    createEffect(
      on(
        props.refresh,
        () => {
          clearTimeout(timer);
          void poll();
        },
        { defer: true },
      ),
    );
  }
  onCleanup(() => {
    disposed = true;
    clearTimeout(timer);
  });

  const state = (): PillState => {
    const polledState = polled();
    const access = props.access?.();
    if (polledState === 'offline') return polledState;
    if (access === 'signed-out') return 'signed-out';
    if (polledState !== 'signed-out') return polledState;
    // A 401 before the page knows whether it may chat as a guest: still checking, not "signed out".
    if (access === 'guest') return 'guest';
    return access === 'unknown' ? 'checking' : 'signed-out';
  };
  return (
    <output
      class="status-pill"
      data-testid="status-pill"
      data-state={state()}
      title={PILL_DESCRIPTIONS[state()]}
      aria-live="polite"
    >
      <span class="status-dot" aria-hidden="true" />
      <span class="status-label">{PILL_LABELS[state()]}</span>
      <span class="sr-only">: {PILL_DESCRIPTIONS[state()]}</span>
    </output>
  );
}
