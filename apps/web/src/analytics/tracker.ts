import type { EventName, RouterInputs } from '@bastion/api';
import type { BastionClient } from '@bastion/api/client';

export type AnalyticsClient = Pick<BastionClient, 'analytics'>;
type TrackInput = RouterInputs['analytics']['track'];
/** The props an event takes (the server validates them again). */
export type EventProps<E extends EventName> = Extract<TrackInput, { event: E }>['props'];

export const VISITOR_KEY = 'bastion.visitorId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The server will refuse every later event too: stop sending until the page reloads. */
const FINAL_REASONS = new Set(['analytics_disabled', 'analytics_origin_not_allowed']);

export interface TrackerOptions {
  /** The typed client, loaded lazily (the first screen does not wait for it). */
  client: () => Promise<AnalyticsClient>;
  /** What the browser says (default: `navigator`; not every DOM typing has the GPC flag). */
  navigator?: { doNotTrack?: string | null; globalPrivacyControl?: boolean };
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /**
   * Events wait for this before anything is sent (e.g. the reader's first interaction, when the
   * page loads its client anyway), so tracking never adds work to the first screen.
   */
  whenReady?: Promise<unknown>;
  /**
   * Asked just before an event goes out (after `whenReady`): false drops it, e.g. on a page
   * without the session the server needs for it (a refused call is a 401 and a console error).
   */
  allowed?: () => boolean;
}

export interface Tracker {
  /** False when the browser asks not to be tracked (Do-Not-Track or Global Privacy Control). */
  readonly enabled: boolean;
  /** Sends one event, in the background; never throws, never delays the page. */
  track<E extends EventName>(event: E, props: EventProps<E>): void;
  /** The stored visitor ID, or null when none was made yet (or tracking is off). */
  visitorId(): string | null;
  /** Forgets the visitor ID (after erasure): later events start a new, unrelated one. */
  forget(): void;
}

/** Do-Not-Track (`'1'`) or Global Privacy Control (`true`): then nothing is sent or stored. */
export function optedOut(nav: TrackerOptions['navigator']): boolean {
  return nav?.doNotTrack === '1' || nav?.globalPrivacyControl === true;
}

function reasonOf(error: unknown): string | null {
  const reason = (error as { data?: { reason?: unknown } } | null)?.data?.reason;
  return typeof reason === 'string' ? reason : null;
}

export function createTracker(options: TrackerOptions): Tracker {
  const nav = options.navigator ?? globalThis.navigator;
  const storage = options.storage ?? globalThis.localStorage;
  const enabled = !optedOut(nav);
  let stopped = !enabled;

  const storedId = (): string | null => {
    try {
      const id = storage.getItem(VISITOR_KEY);
      return id && UUID.test(id) ? id : null;
    } catch {
      return null;
    }
  };
  const ensureId = (): string => {
    const existing = storedId();
    if (existing) return existing;
    const id = crypto.randomUUID();
    try {
      storage.setItem(VISITOR_KEY, id);
    } catch {
      // Storage refused (private mode, quota): the ID lives as long as the page.
    }
    return id;
  };

  const ready = options.whenReady ?? Promise.resolve();
  return {
    enabled,
    track(event, props) {
      if (stopped) return;
      const input = { visitorId: ensureId(), event, props } as TrackInput;
      void ready
        .then(() => (stopped || options.allowed?.() === false ? null : options.client()))
        .then((client) => client?.analytics.track.mutate(input))
        .catch((error: unknown) => {
          if (FINAL_REASONS.has(reasonOf(error) ?? '')) stopped = true;
        });
    },
    // An ID made before the browser opted out is still shown, so it can be exported and erased.
    visitorId: storedId,
    forget() {
      try {
        storage.removeItem(VISITOR_KEY);
      } catch {}
    },
  };
}
