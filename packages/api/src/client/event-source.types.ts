/**
 * The EventSource shape the client relies on. `fetch` is honoured by the Node ponyfill (for the
 * Authorization header); browsers ignore it and send the page's own same-origin request.
 */
export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean; fetch?: typeof globalThis.fetch },
) => EventSource;
