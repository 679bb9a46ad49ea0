import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { SignIn } from './SignIn.tsx';
import type { Session } from './session.ts';

const WHY =
  'Anonymous chat is open here. Signing in with an access key gives its collections and limits; the key is exchanged for a session cookie and never stored by the page.';

/**
 * Signing in is optional for a guest of a PUBLIC_CHAT server: a header button opens the form,
 * Escape or the button closes it and returns focus to the button.
 */
export function GuestSignIn(props: { session: Session; onSignedIn: () => void }) {
  const [open, setOpen] = createSignal(false);
  let toggle!: HTMLButtonElement;
  let panel: HTMLDivElement | undefined;
  const close = () => {
    setOpen(false);
    toggle.focus();
  };
  onMount(() => {
    const onPointer = (e: PointerEvent) => {
      if (open() && !panel?.contains(e.target as Node) && e.target !== toggle) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    onCleanup(() => document.removeEventListener('pointerdown', onPointer));
  });
  return (
    <div class="guest-signin">
      <button
        type="button"
        class="button button-small"
        data-testid="signin-open"
        aria-expanded={open()}
        aria-controls="guest-signin-panel"
        ref={toggle}
        onClick={() => {
          setOpen(!open());
          if (open()) document.getElementById('signin-key')?.focus();
        }}
      >
        Sign in
      </button>
      <Show when={open()}>
        <div
          id="guest-signin-panel"
          class="guest-signin-panel"
          role="dialog"
          aria-labelledby="signin-title"
          ref={panel}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <SignIn session={props.session} intro={WHY} onSignedIn={props.onSignedIn} />
        </div>
      </Show>
    </div>
  );
}
