import { api } from './api.ts';
import { StatusPill } from './status/StatusPill.tsx';

export function App() {
  return (
    <div class="app">
      <header class="app-header">
        <h1 class="brand">Bastion</h1>
        <StatusPill fetchSummary={() => api.status.summary.query()} />
      </header>
      <main class="app-main">
        <p class="lede">A hardened assistant that answers from its knowledge base.</p>
      </main>
    </div>
  );
}
