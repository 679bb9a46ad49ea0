import { createSignal, onCleanup } from 'solid-js';

/** Retry, held back while the server's `Retry-After` runs, with the seconds left on the button. */
export function RetryButton(props: { retryAfterMs?: number; onRetry: () => void }) {
  const until = Date.now() + (props.retryAfterMs ?? 0);
  const secondsLeft = () => Math.max(0, Math.ceil((until - Date.now()) / 1000));
  const [left, setLeft] = createSignal(secondsLeft());
  const timer = setInterval(() => {
    setLeft(secondsLeft());
    if (left() === 0) clearInterval(timer);
  }, 250);
  onCleanup(() => clearInterval(timer));
  return (
    <button
      type="button"
      class="button button-small"
      data-testid="message-retry"
      disabled={left() > 0}
      onClick={() => props.onRetry()}
    >
      {left() > 0 ? `Retry in ${left()} s` : 'Retry'}
    </button>
  );
}
