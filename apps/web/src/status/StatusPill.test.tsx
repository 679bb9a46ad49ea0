import { cleanup, render, screen, waitFor } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthState } from '../session/session.ts';
import { StatusPill } from './StatusPill.tsx';
import { summary } from './summary.fixture.ts';

describe('StatusPill', () => {
  afterEach(cleanup);

  it('names the answer path the server reports', async () => {
    render(() => <StatusPill fetchSummary={async () => summary('primary')} />);
    const pill = screen.getByTestId('status-pill');
    expect(pill.dataset.state).toBe('checking');
    await waitFor(() => expect(pill.dataset.state).toBe('primary'));
    expect(pill.textContent).toContain('Primary model');
  });

  it('says the knowledge base answers alone when the path is extractive', async () => {
    render(() => <StatusPill fetchSummary={async () => summary('extractive', true, false)} />);
    const pill = screen.getByTestId('status-pill');
    await waitFor(() => expect(pill.dataset.state).toBe('extractive'));
    expect(pill.textContent).toContain('Knowledge base only');
    expect(pill.textContent).not.toMatch(/fallback|degraded/i);
  });

  it('shows signed out, not offline, when the server answers 401', async () => {
    let noted = 0;
    render(() => (
      <StatusPill
        fetchSummary={async () => {
          throw Object.assign(new Error('Unauthorized'), { data: { httpStatus: 401 } });
        }}
        onAuthError={() => noted++}
      />
    ));
    const pill = screen.getByTestId('status-pill');
    await waitFor(() => expect(pill.dataset.state).toBe('signed-out'));
    expect(noted).toBe(1);
  });

  it('asks for the summary (which needs a key) only once the page knows it may read it', async () => {
    for (const known of ['guest', 'signed-out'] as const) {
      const [access, setAccess] = createSignal<AuthState>('unknown');
      let asked = 0;
      render(() => (
        <StatusPill
          fetchSummary={async () => {
            asked++;
            throw Object.assign(new Error('Unauthorized'), { data: { httpStatus: 401 } });
          }}
          access={access}
          refresh={access}
        />
      ));
      const pill = screen.getByTestId('status-pill');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pill.dataset.state).toBe('checking');
      setAccess(known);
      await waitFor(() => expect(pill.dataset.state).toBe(known));
      await new Promise((resolve) => setTimeout(resolve, 20));
      // No 401 in the console of a guest or a signed-out page.
      expect(asked).toBe(0);
      expect(pill.textContent).toContain(known === 'guest' ? 'Guest' : 'Signed out');
      cleanup();
    }
  });

  it('asks once the page is signed in, and again at once when a question could not connect', async () => {
    const [access, setAccess] = createSignal<AuthState>('unknown');
    const [recheck, setRecheck] = createSignal(0);
    let up = true;
    let asked = 0;
    render(() => (
      <StatusPill
        fetchSummary={async () => {
          asked++;
          if (!up) throw new TypeError('fetch failed');
          return summary('primary');
        }}
        access={access}
        recheck={recheck}
      />
    ));
    const pill = screen.getByTestId('status-pill');
    setAccess('signed-in');
    await waitFor(() => expect(pill.dataset.state).toBe('primary'));
    expect(asked).toBe(1);
    // The server went down: a failed question updates the pill now, not at the next 30 s poll.
    up = false;
    setRecheck(1);
    await waitFor(() => expect(pill.dataset.state).toBe('offline'));
    expect(asked).toBe(2);
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
