import { lazy, Suspense } from 'solid-js';
import { Disclosure } from '../ui/Disclosure.tsx';
import type { AdminSession } from './ToolsPanel.tsx';
import './tools.css';

// Loaded on first open only: the panel is for admins and stays out of the first-load bundle.
const ToolsPanel = lazy(() => import('./ToolsPanel.tsx'));

export function ToolsDisclosure(props: { session?: AdminSession }) {
  // Stays mounted once opened, so closing the disclosure keeps the session's key.
  return (
    <Disclosure summary="Admin tools" class="tools-disclosure" testId="tools-disclosure">
      <Suspense fallback={<p class="tools-muted">Loading tools…</p>}>
        <ToolsPanel session={props.session} />
      </Suspense>
    </Disclosure>
  );
}
