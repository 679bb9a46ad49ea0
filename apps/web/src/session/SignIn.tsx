import { createSignal, Show } from 'solid-js';
import type { Session } from './session.ts';

const REQUIRED =
  'This Bastion needs an access key. It is exchanged for a session cookie and never stored by the page.';

/** The key is held only in this field until it is sent; the server answers with a cookie. */
export function SignIn(props: {
  session: Session;
  /** Why to sign in (by default: the server needs a key). */
  intro?: string;
  onSignedIn?: () => void;
}) {
  const [busy, setBusy] = createSignal(false);
  let field!: HTMLInputElement;
  return (
    <form
      class="signin card"
      aria-labelledby="signin-title"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const ok = await props.session.signIn(field.value);
        setBusy(false);
        if (ok) {
          field.value = '';
          props.onSignedIn?.();
        } else field.focus();
      }}
    >
      <h2 id="signin-title">Sign in</h2>
      <p class="muted">{props.intro ?? REQUIRED}</p>
      <label for="signin-key">Access key</label>
      <div class="signin-row">
        <input
          id="signin-key"
          ref={field}
          data-testid="signin-key"
          type="password"
          autocomplete="current-password"
          required
          maxLength={512}
        />
        <button
          type="submit"
          class="button button-primary"
          data-testid="signin-submit"
          disabled={busy()}
        >
          Sign in
        </button>
      </div>
      <Show when={props.session.error()}>
        {(message) => (
          <p class="error-text" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </form>
  );
}
