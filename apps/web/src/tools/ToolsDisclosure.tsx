import { createSignal, lazy, Show, Suspense } from 'solid-js';
import './tools.css';

// Loaded on first open only: the panel is for admins and stays out of the first-load bundle.
const ToolsPanel = lazy(() => import('./ToolsPanel.tsx'));

export function ToolsDisclosure() {
  const [opened, setOpened] = createSignal(false);
  return (
    <details
      class="tools-disclosure"
      data-testid="tools-disclosure"
      onToggle={(e) => {
        if (e.currentTarget.open) setOpened(true);
      }}
    >
      <summary>Admin tools</summary>
      {/* Stays mounted once opened, so closing the disclosure keeps the session's key. */}
      <Show when={opened()}>
        <Suspense fallback={<p class="tools-muted">Loading tools…</p>}>
          <ToolsPanel />
        </Suspense>
      </Show>
    </details>
  );
}
