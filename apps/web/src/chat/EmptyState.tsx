import { For, type Resource, Show } from 'solid-js';

export interface KnowledgeBaseInfo {
  collections: { id: string; documents: number; chunks: number }[];
  /** A few document titles, for starter questions. */
  titles: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The first screen: what the knowledge base holds, and questions that show what Bastion does. */
export function EmptyState(props: {
  info: Resource<KnowledgeBaseInfo>;
  onAsk: (question: string) => void;
}) {
  const info = props.info;
  const starters = () => {
    const fromTitles = (info()?.titles ?? [])
      .slice(0, 3)
      .map((t) => `What does the knowledge base say about “${t}”?`);
    return [...fromTitles, 'How do you keep answers grounded and safe?'].slice(0, 4);
  };
  const summary = () => {
    const cs = info()?.collections ?? [];
    const documents = cs.reduce((n, c) => n + c.documents, 0);
    if (cs.length === 0) return 'The knowledge base is empty: answers come from the model alone.';
    return `The knowledge base holds ${plural(documents, 'document')} in ${plural(cs.length, 'collection')}: ${cs
      .map((c) => c.id)
      .join(', ')}.`;
  };
  return (
    <section class="empty-state" aria-labelledby="empty-title" data-testid="empty-state">
      <h2 id="empty-title">Ask the knowledge base</h2>
      <Show when={!info.loading} fallback={<p class="muted">Looking at the knowledge base…</p>}>
        <Show
          when={!info.error}
          fallback={<p class="muted">The knowledge base could not be listed.</p>}
        >
          <p class="muted" data-testid="kb-summary">
            {summary()}
          </p>
        </Show>
      </Show>
      <ul class="starters" aria-label="Starter questions">
        <For each={starters()}>
          {(q) => (
            <li>
              <button
                type="button"
                class="starter"
                data-testid="starter-question"
                onClick={() => props.onAsk(q)}
              >
                {q}
              </button>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
