import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PrivacyDisclosure } from './PrivacyDisclosure.tsx';
import { PrivacyPanel } from './PrivacyPanel.tsx';
import type { AnalyticsClient, Tracker } from './tracker.ts';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

function fakeTracker(enabled = true, id: string | null = ID): Tracker & { forget: () => void } {
  let current = id;
  return {
    enabled,
    track: vi.fn(),
    visitorId: () => current,
    forget: vi.fn(() => {
      current = null;
    }),
  };
}

function fakeClient() {
  const exported = {
    visitorId: ID,
    events: [{ ts: '2026-12-07T10:00:00.000Z', event: 'page_view', props: { path: '/' } }],
    truncated: false,
    feedback: [],
  };
  const api = {
    analytics: {
      export: { query: vi.fn(async () => exported) },
      erase: { mutate: vi.fn(async () => ({ events: 3, feedback: 1 })) },
    },
  };
  return { api, client: async () => api as unknown as AnalyticsClient, exported };
}

describe('PrivacyPanel', () => {
  afterEach(cleanup);

  it('shows the visitor ID and exports everything stored under it as JSON', async () => {
    const { api, client, exported } = fakeClient();
    const save = vi.fn();
    render(() => <PrivacyPanel tracker={fakeTracker()} client={client} save={save} />);
    expect(screen.getByTestId('privacy-visitor-id').textContent).toBe(ID);
    fireEvent.click(screen.getByTestId('privacy-export'));
    await waitFor(() => expect(save).toHaveBeenCalled());
    expect(api.analytics.export.query).toHaveBeenCalledWith({ visitorId: ID });
    const [fileName, json] = save.mock.calls[0]!;
    expect(fileName).toBe(`bastion-data-${ID}.json`);
    expect(JSON.parse(json)).toEqual(exported);
    expect(screen.getByTestId('privacy-message').textContent).toContain('Exported 1 events');
  });

  it('downloads the export as a file by default', async () => {
    const { client } = fakeClient();
    const createObjectURL = vi.fn(() => 'blob:export');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(() => <PrivacyPanel tracker={fakeTracker()} client={client} />);
    fireEvent.click(screen.getByTestId('privacy-export'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe(`bastion-data-${ID}.json`);
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(JSON.parse(await blob.text()).visitorId).toBe(ID);
    click.mockRestore();
  });

  it('erases only after confirmation, then forgets the ID', async () => {
    const { api, client } = fakeClient();
    const tracker = fakeTracker();
    render(() => <PrivacyPanel tracker={tracker} client={client} />);
    fireEvent.click(screen.getByTestId('privacy-erase'));
    expect(api.analytics.erase.mutate).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('privacy-erase-confirm'));
    await waitFor(() => expect(screen.getByTestId('privacy-no-id')).toBeTruthy());
    expect(api.analytics.erase.mutate).toHaveBeenCalledWith({ visitorId: ID });
    expect(tracker.forget).toHaveBeenCalled();
    expect(screen.getByTestId('privacy-message').textContent).toContain(
      'Erased 3 events and 1 ratings',
    );
  });

  it('says when the browser opted out, and when there is no ID', () => {
    const { client } = fakeClient();
    render(() => <PrivacyPanel tracker={fakeTracker(false, null)} client={client} />);
    expect(screen.getByTestId('privacy-opted-out')).toBeTruthy();
    expect(screen.getByTestId('privacy-no-id')).toBeTruthy();
    expect(screen.queryByTestId('privacy-export')).toBeNull();
  });

  it('reports a failed call as an alert', async () => {
    const { api, client } = fakeClient();
    api.analytics.export.query.mockRejectedValueOnce(new TypeError('fetch failed'));
    render(() => <PrivacyPanel tracker={fakeTracker()} client={client} save={vi.fn()} />);
    fireEvent.click(screen.getByTestId('privacy-export'));
    await waitFor(() =>
      expect(screen.getByTestId('privacy-message').getAttribute('role')).toBe('alert'),
    );
  });

  it('loads inside the Privacy disclosure when it is first opened', async () => {
    const { client } = fakeClient();
    render(() => <PrivacyDisclosure tracker={fakeTracker()} client={client} />);
    expect(screen.queryByTestId('privacy-panel')).toBeNull();
    const details = screen.getByTestId('privacy-disclosure') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    expect((await screen.findByTestId('privacy-visitor-id')).textContent).toBe(ID);
  });
});
