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

  it('shows guest, not signed out, when a PUBLIC_CHAT guest may not read the summary', async () => {
    const [access, setAccess] = createSignal<AuthState>('unknown');
    render(() => (
      <StatusPill
        fetchSummary={async () => {
          throw Object.assign(new Error('Unauthorized'), { data: { httpStatus: 401 } });
        }}
        onAuthError={() => setAccess('guest')}
        access={access}
      />
    ));
    const pill = screen.getByTestId('status-pill');
    await waitFor(() => expect(pill.dataset.state).toBe('guest'));
    expect(pill.textContent).toContain('Guest');
    expect(pill.textContent).not.toContain('Signed out');
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
