import type { StatusSummary } from '@bastion/api';
import { createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { isAuthError } from '../session/auth-error.ts';
import { type AuthState, mayReadKeyed } from '../session/session.ts';
import { nextPollDelay, stateOf } from './status-state.ts';
import { PILL_DESCRIPTIONS, PILL_LABELS, type PillState } from './vocabulary.ts';

export interface StatusPillProps {
  fetchSummary: () => Promise<StatusSummary>;
  /**
   * The page's sign-in state, which overrides the polled one. The summary needs a key: it is not
   * asked for before the state is known, nor by a guest or a signed-out page (it would be a 401).
   */
  access?: () => AuthState;
  onAuthError?: () => void;
  /** The server answered after the page's first question of who it is had gone unanswered. */
  onReachable?: () => void;
  /** Every summary as it arrives (the empty state reads the knowledge base counts from it). */
  onSummary?: (summary: StatusSummary) => void;
  /** Polls again at once whenever this changes (e.g. after signing in), when the page may. */
  refresh?: () => unknown;
  /** Polls at once whenever this changes, whatever the access (e.g. after a chat failed to connect). */
  recheck?: () => unknown;
}

export function StatusPill(props: StatusPillProps) {
  const [polled, setPolled] = createSignal<PillState>('checking');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let disposed = false;
  const access = () => props.access?.();
  const mayPoll = () => {
    const a = access();
    return a === undefined || a === 'unreachable' || mayReadKeyed(a);
  };

  const poll = async () => {
    let next: PillState;
    try {
      const summary = await props.fetchSummary();
      props.onSummary?.(summary);
      next = stateOf(summary);
      failures = 0;
      if (access() === 'unreachable') props.onReachable?.();
    } catch (error) {
      if (isAuthError(error)) {
        next = 'signed-out';
        if (access() === 'unreachable') props.onReachable?.();
        else props.onAuthError?.();
      } else {
        next = 'offline';
        failures += 1;
      }
    }
    if (disposed) return;
    setPolled(next);
    clearTimeout(timer);
    // An unreachable server is retried whoever asks; a summary the page may not read is not.
    if (next === 'offline' || mayPoll()) timer = setTimeout(poll, nextPollDelay(next, failures));
  };
  const pollNow = () => {
    clearTimeout(timer);
    void poll();
  };

  // The first request in a task of its own: the page's start-up is a series of short tasks.
  onMount(() => {
    if (mayPoll()) timer = setTimeout(poll, 0);
  });
  // Once the page knows who it is (and whenever that changes), the summary is asked if it may be.
  if (props.access || props.refresh) {
    createEffect(
      on(
        () => [access(), props.refresh?.()],
        () => mayPoll() && pollNow(),
        { defer: true },
      ),
    );
  }
  if (props.recheck) createEffect(on(props.recheck, pollNow, { defer: true }));
  onCleanup(() => {
    disposed = true;
    clearTimeout(timer);
  });

  const state = (): PillState => {
    const polledState = polled();
    const a = access();
    if (polledState === 'offline') return polledState;
    if (a === 'signed-out' || a === 'guest') return a;
    // A 401 before the page knows whether it may chat as a guest: still checking, not "signed out".
    if (polledState === 'signed-out' && (a === 'unknown' || a === 'unreachable')) return 'checking';
    return polledState;
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
