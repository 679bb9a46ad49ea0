import type { StatusSummary } from '@bastion/api';
import { For } from 'solid-js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the knowledge base holds, from the status summary the page already polls; a guest of a
 * PUBLIC_CHAT server may not read the summary.
 */
export function knowledgeBaseLine(rag: StatusSummary['rag'] | undefined, guest = false): string {
  if (!rag && guest) {
    return 'As a guest you ask the default collection of this knowledge base; sign in with a key for yours.';
  }
  if (!rag) return 'Looking at the knowledge base…';
  if (!rag.ok) return 'The knowledge base is not available right now.';
  if (rag.documents === 0) return 'The knowledge base is empty: answers come from the model alone.';
  return `The knowledge base holds ${plural(rag.documents, 'document')} (${plural(rag.chunks, 'passage')}) in ${plural(rag.collections, 'collection')}.`;
}

/**
 * The first screen: what the knowledge base holds, and questions about what it holds. The list
 * keeps its place while the questions load, so nothing above the composer moves when they come.
 */
export function EmptyState(props: {
  rag: () => StatusSummary['rag'] | undefined;
  /** A PUBLIC_CHAT guest, who may not read the summary. */
  guest?: () => boolean;
  /** Starter questions; undefined while they load. */
  starters: () => readonly string[] | undefined;
  onAsk: (question: string) => void;
}) {
  return (
    <section class="empty-state" aria-labelledby="empty-title" data-testid="empty-state">
      <h2 id="empty-title">Ask the knowledge base</h2>
      <p class="intro">
        Bastion answers from the documents in its knowledge base, cites the passages it used, and
        keeps this conversation in your browser only.
      </p>
      <p class="muted kb-summary" data-testid="kb-summary">
        {knowledgeBaseLine(props.rag(), props.guest?.())}
      </p>
      <ul class="starters" aria-label="Starter questions" aria-busy={!props.starters()}>
        <For each={props.starters()}>
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
