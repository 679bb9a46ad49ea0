import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../conversations/types.ts';
import { Message, type MessageActions } from './Message.tsx';

const answer: ChatMessage = {
  id: 'a1',
  role: 'assistant',
  content: 'See **this** [1] and that [2].\n\n```sh\nnpm start\n```',
  status: 'done',
  requestId: 'req-12345678',
  feedbackToken: 'tok.en',
  servedBy: 'extractive',
  grounded: true,
  sources: [
    { id: 's1', title: 'Setup', path: 'docs/setup.md', snippet: 'Run **npm** start' },
    { id: 's2', title: 'Setup', path: 'docs/setup.md', snippet: 'Then open the page' },
    {
      id: 's3',
      title: 'Setup',
      path: 'docs/setup.md',
      snippet: '| `key` | value |\n|---|---|\n| a | 1 |',
    },
  ],
  guardrails: { flagged: false, blocked: false, reason: null, patterns: [] },
};

function actions(): MessageActions & { copied: string[] } {
  const copied: string[] = [];
  return {
    copied,
    copy: async (text) => void copied.push(text),
    regenerate: vi.fn(),
    edit: vi.fn(),
    feedback: vi.fn(),
    submitFeedback: vi.fn(async () => ({ replaced: false })),
  };
}

describe('Message', () => {
  afterEach(cleanup);

  it('renders the answer as Markdown with merged sources that its [n] markers open', async () => {
    const a = actions();
    const { container } = render(() => <Message message={answer} last busy={false} actions={a} />);
    await waitFor(() =>
      expect(container.querySelector('.markdown strong')?.textContent).toBe('this'),
    );
    expect(screen.getByTestId('served-by').textContent).toBe('Knowledge base only');
    // Two passages of one document: one entry, both snippets, both numbers.
    const items = screen.getByTestId('assistant-sources-popover').querySelectorAll('li');
    expect(items).toHaveLength(1);
    expect(items[0]?.textContent).toContain('[1][2]');
    expect(items[0]?.querySelector('mark')?.textContent).toBe('npm');
    // Snippets are plain text: a document's Markdown shows neither as markers nor as elements.
    expect(items[0]?.querySelectorAll('.source-snippet')[2]?.textContent).toBe('key · value a · 1');
    expect(items[0]?.querySelector('.source-snippet code, .source-snippet table')).toBeNull();
    const details = container.querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    const markers = container.querySelectorAll<HTMLAnchorElement>('a.citation');
    expect([...markers].map((m) => m.getAttribute('href'))).toEqual(['#src-a1-1', '#src-a1-1']);
    fireEvent.click(markers[1] as HTMLAnchorElement);
    expect(details.open).toBe(true);
    expect(document.activeElement).toBe(items[0]);
  });

  it('copies the answer and a code block, and regenerates only the last answer', async () => {
    const a = actions();
    const { container } = render(() => <Message message={answer} last busy={false} actions={a} />);
    fireEvent.click(screen.getByTestId('message-copy'));
    await waitFor(() => expect(container.querySelector('.code-copy')).not.toBeNull());
    fireEvent.click(container.querySelector('.code-copy') as HTMLButtonElement);
    await waitFor(() => expect(a.copied).toEqual([answer.content, 'npm start']));
    expect(container.querySelector('.code-lang')?.textContent).toBe('sh');
    fireEvent.click(screen.getByTestId('message-regenerate'));
    expect(a.regenerate).toHaveBeenCalledOnce();
    cleanup();
    render(() => <Message message={answer} last={false} busy={false} actions={a} />);
    expect(screen.queryByTestId('message-regenerate')).toBeNull();
  });

  it('sends feedback with the request id, then a note', async () => {
    const a = actions();
    render(() => <Message message={answer} last busy={false} actions={a} />);
    fireEvent.click(screen.getByTestId('feedback-down'));
    expect(a.feedback).toHaveBeenCalledWith('a1', 'down');
    expect(a.submitFeedback).toHaveBeenCalledWith(
      { requestId: 'req-12345678', token: 'tok.en' },
      'down',
    );
  });

  it('edits a question and sends the edited text', async () => {
    const a = actions();
    const question: ChatMessage = { id: 'q1', role: 'user', content: 'old', status: 'done' };
    render(() => <Message message={question} last={false} busy={false} actions={a} />);
    fireEvent.click(screen.getByTestId('message-edit'));
    const field = screen.getByLabelText('Edit your question') as HTMLTextAreaElement;
    field.value = 'new question';
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(a.edit).toHaveBeenCalledWith('q1', 'new question');
  });
  it('says a source was withheld, not that the question was flagged, when a passage was dropped', () => {
    const withheld: ChatMessage = {
      ...answer,
      guardrails: {
        flagged: true,
        blocked: false,
        reason: 'indirect_injection_in_context',
        patterns: ['indirect-instruction'],
      },
    };
    render(() => <Message message={withheld} last busy={false} actions={actions()} />);
    const badge = screen.getByTestId('guardrails-badge');
    expect(badge.textContent).toBe('A source was withheld');
    expect(badge.getAttribute('title')).toMatch(/left out of this answer/);
  });
});
