import type { StatusSummary } from '@bastion/api';
import { For } from 'solid-js';

const STARTERS = [
  'What does the knowledge base cover?',
  'How do I set Bastion up, step by step?',
  'How are answers kept grounded and safe?',
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the knowledge base holds, from the status summary the page already polls. */
export function knowledgeBaseLine(rag: StatusSummary['rag'] | undefined): string {
  if (!rag) return 'Looking at the knowledge base…';
  if (!rag.ok) return 'The knowledge base is not available right now.';
  if (rag.documents === 0) return 'The knowledge base is empty: answers come from the model alone.';
  return `The knowledge base holds ${plural(rag.documents, 'document')} (${plural(rag.chunks, 'passage')}) in ${plural(rag.collections, 'collection')}. Answers cite the passages they use.`;
}

/** The first screen: what the knowledge base holds, and questions that show what Bastion does. */
export function EmptyState(props: {
  rag: () => StatusSummary['rag'] | undefined;
  onAsk: (question: string) => void;
}) {
  return (
    <section class="empty-state" aria-labelledby="empty-title" data-testid="empty-state">
      <h2 id="empty-title">Ask the knowledge base</h2>
      <p class="muted kb-summary" data-testid="kb-summary">
        {knowledgeBaseLine(props.rag())}
      </p>
      <ul class="starters" aria-label="Starter questions">
        <For each={STARTERS}>
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
