import { cleanup, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminSummary, type AnalyticsSummary } from './AdminSummary.tsx';

const summary: AnalyticsSummary = {
  enabled: true,
  retentionDays: 14,
  days: [
    {
      day: '2026-12-06',
      events: { page_view: 4, question_asked: 3, answer_shown: 3, error_shown: 1 },
      visitors: 2,
      answers: { primary: 2, guardrails: 1 },
      guardrailBlocks: 1,
    },
    {
      day: '2026-12-07',
      events: { page_view: 1 },
      visitors: 1,
      answers: {},
      guardrailBlocks: 0,
    },
  ],
  feedback: { up: 3, down: 1, ratio: 0.75 },
  guardrailsSinceStart: { flagged: 2, blocked: 1 },
};

describe('AdminSummary', () => {
  afterEach(cleanup);

  it('shows events per day, answers by provider, guardrail blocks and the feedback ratio', async () => {
    render(() => <AdminSummary fetchSummary={async () => summary} />);
    const table = await screen.findByTestId('analytics-summary-days');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.children].map((cell) => cell.textContent),
    );
    expect(rows).toEqual([
      ['2026-12-06', '2', '4', '3', '2', '0', '0', '1', '1'],
      ['2026-12-07', '1', '1', '0', '0', '0', '0', '0', '0'],
    ]);
    const overview = screen.getByTestId('analytics-summary-overview').textContent;
    expect(overview).toContain('3 👍 / 1 👎');
    expect(overview).toContain('75 % positive');
    expect(overview).toContain('guardrail blocks: 1');
  });

  it('asks for an admin key when the server refuses', async () => {
    render(() => (
      <AdminSummary
        fetchSummary={async () => {
          throw Object.assign(new Error('forbidden'), { data: { reason: 'admin_required' } });
        }}
      />
    ));
    await waitFor(() =>
      expect(screen.getByTestId('analytics-summary-error').textContent).toContain('admin key'),
    );
  });
});
