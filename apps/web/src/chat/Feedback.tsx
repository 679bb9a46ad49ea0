import { createSignal, For, Show } from 'solid-js';
import { ThumbIcon } from './icons.tsx';

const RATINGS = ['up', 'down'] as const;

/** The answer rated: its request id and the feedback token the server sent with it. */
export interface RatedAnswer {
  requestId: string;
  token?: string | undefined;
}

export type SubmitFeedback = (
  answer: RatedAnswer,
  rating: 'up' | 'down',
  note?: string,
) => Promise<unknown>;

/** 👍/👎 on one answer, then an optional note that replaces the first submission. */
export function Feedback(props: {
  answer: RatedAnswer;
  rating?: 'up' | 'down';
  onRated: (rating: 'up' | 'down') => void;
  submit: SubmitFeedback;
}) {
  const [noteOpen, setNoteOpen] = createSignal(false);
  const [status, setStatus] = createSignal('');
  let note!: HTMLInputElement;

  const rate = async (rating: 'up' | 'down') => {
    props.onRated(rating);
    setNoteOpen(true);
    try {
      await props.submit(props.answer, rating);
      setStatus('Thanks for the feedback.');
    } catch {
      setStatus('Feedback could not be sent.');
    }
  };

  return (
    <div class="feedback">
      <For each={RATINGS}>
        {(rating) => (
          <button
            type="button"
            class="icon-button"
            data-testid={`feedback-${rating}`}
            aria-label={rating === 'up' ? 'Good answer' : 'Bad answer'}
            aria-pressed={props.rating === rating}
            onClick={() => void rate(rating)}
          >
            <ThumbIcon down={rating === 'down'} />
          </button>
        )}
      </For>
      <Show when={noteOpen() && props.rating}>
        {(rating) => (
          <form
            class="feedback-note"
            onSubmit={async (e) => {
              e.preventDefault();
              const text = note.value.trim();
              if (!text) return;
              try {
                await props.submit(props.answer, rating(), text);
                setStatus('Note sent. Thank you.');
                setNoteOpen(false);
              } catch {
                setStatus('The note could not be sent.');
              }
            }}
          >
            <label class="sr-only" for={`note-${props.answer.requestId}`}>
              Add a note (optional)
            </label>
            <input
              id={`note-${props.answer.requestId}`}
              ref={note}
              data-testid="feedback-note"
              maxLength={1000}
              placeholder="Add a note (optional)"
            />
            <button type="submit" class="button button-small">
              Send note
            </button>
          </form>
        )}
      </Show>
      <span class="feedback-status" role="status">
        {status()}
      </span>
    </div>
  );
}
