import { createSignal, lazy, Show, Suspense } from 'solid-js';
import type { PrivacyPanelProps } from './PrivacyPanel.tsx';

// Loaded on first open only: the first screen does not need it.
const PrivacyPanel = lazy(() =>
  import('./PrivacyPanel.tsx').then((m) => ({ default: m.PrivacyPanel })),
);

/** "Privacy" as a disclosure for the page's sidebar: the panel loads when first opened. */
export function PrivacyDisclosure(props: PrivacyPanelProps) {
  const [opened, setOpened] = createSignal(false);
  return (
    <details
      class="privacy-disclosure"
      data-testid="privacy-disclosure"
      onToggle={(e) => {
        if (e.currentTarget.open) setOpened(true);
      }}
    >
      <summary>Privacy</summary>
      <Show when={opened()}>
        <Suspense fallback={<p>Loading…</p>}>
          <PrivacyPanel {...props} />
        </Suspense>
      </Show>
    </details>
  );
}
