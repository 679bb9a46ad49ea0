import { createSignal, Show } from 'solid-js';
import type { AnalyticsClient, Tracker } from './tracker.ts';
import './analytics.css';

export interface PrivacyPanelProps {
  tracker: Tracker;
  client: () => Promise<AnalyticsClient>;
  /** Saves the export (default: a download of `bastion-data-<id>.json`). */
  save?: (fileName: string, json: string) => void;
}

function download(fileName: string, json: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * The visitor's own data: the anonymous ID the page made, a JSON export of everything stored
 * under it (events and feedback), and erasure. Nothing here works without the ID, and the ID is
 * shown only to its holder.
 */
export function PrivacyPanel(props: PrivacyPanelProps) {
  const [id, setId] = createSignal(props.tracker.visitorId());
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<string | null>(null);
  const [failed, setFailed] = createSignal(false);

  const run = async (work: (visitorId: string) => Promise<string>) => {
    const visitorId = id();
    if (!visitorId) return;
    setBusy(true);
    setFailed(false);
    setMessage(null);
    try {
      setMessage(await work(visitorId));
    } catch {
      setFailed(true);
      setMessage('The server could not be reached; try again.');
    } finally {
      setBusy(false);
    }
  };

  const exportData = () =>
    run(async (visitorId) => {
      const data = await (await props.client()).analytics.export.query({ visitorId });
      (props.save ?? download)(`bastion-data-${visitorId}.json`, JSON.stringify(data, null, 2));
      const more = data.truncated
        ? ' More are stored than one export holds; erasure removes all.'
        : '';
      return `Exported ${data.events.length} events and ${data.feedback.length} ratings.${more}`;
    });

  const erase = () =>
    run(async (visitorId) => {
      setConfirming(false);
      const erased = await (await props.client()).analytics.erase.mutate({ visitorId });
      props.tracker.forget();
      setId(null);
      return `Erased ${erased.events} events and ${erased.feedback} ratings. Any later event starts a new ID.`;
    });

  return (
    <section class="privacy-panel" aria-labelledby="privacy-title" data-testid="privacy-panel">
      <h2 id="privacy-title">Privacy</h2>
      <Show
        when={props.tracker.enabled}
        fallback={
          <p data-testid="privacy-opted-out">
            Your browser asks not to be tracked (Do Not Track or Global Privacy Control), so this
            page sends no analytics.
          </p>
        }
      >
        <p>
          This page sends anonymous usage events under a random ID kept in this browser: no address,
          no browser details, nothing you type.
        </p>
      </Show>
      <Show
        when={id()}
        fallback={
          <p data-testid="privacy-no-id">No data is stored under an ID from this browser.</p>
        }
      >
        {(visitorId) => (
          <>
            <p>
              Your ID: <code data-testid="privacy-visitor-id">{visitorId()}</code>
            </p>
            <div class="privacy-actions">
              <button
                type="button"
                data-testid="privacy-export"
                disabled={busy()}
                onClick={exportData}
              >
                Export my data
              </button>
              <Show
                when={confirming()}
                fallback={
                  <button
                    type="button"
                    data-testid="privacy-erase"
                    disabled={busy()}
                    onClick={() => setConfirming(true)}
                  >
                    Erase my data
                  </button>
                }
              >
                <button
                  type="button"
                  class="danger"
                  data-testid="privacy-erase-confirm"
                  disabled={busy()}
                  onClick={erase}
                >
                  Erase everything stored under this ID
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </Show>
            </div>
          </>
        )}
      </Show>
      <p role={failed() ? 'alert' : 'status'} data-testid="privacy-message">
        {message()}
      </p>
    </section>
  );
}
