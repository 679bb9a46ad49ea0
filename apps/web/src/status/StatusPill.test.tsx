import { cleanup, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusPill } from './StatusPill.tsx';
import { summary } from './summary.fixture.ts';

describe('StatusPill', () => {
  afterEach(cleanup);

  it('turns ready when the server reports ready', async () => {
    render(() => <StatusPill fetchSummary={async () => summary('primary')} />);
    const pill = screen.getByTestId('status-pill');
    expect(pill.dataset.state).toBe('checking');
    await waitFor(() => expect(pill.dataset.state).toBe('ready'));
    expect(pill.textContent).toContain('Ready');
  });

  it('shows warming while the server is not ready yet', async () => {
    render(() => <StatusPill fetchSummary={async () => summary('warming')} />);
    const pill = screen.getByTestId('status-pill');
    await waitFor(() => expect(pill.dataset.state).toBe('warming'));
  });

  it('shows offline when the server cannot be reached', async () => {
    render(() => (
      <StatusPill
        fetchSummary={async () => {
          throw new TypeError('fetch failed');
        }}
      />
    ));
    const pill = screen.getByTestId('status-pill');
    await waitFor(() => expect(pill.dataset.state).toBe('offline'));
    expect(pill.textContent).toContain('Offline');
  });
});
