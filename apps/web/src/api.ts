import type { StatusSummary } from '@bastion/api';
import type { AppRouter, BastionClient, ChatOutcome, ChatRequest } from '@bastion/api/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { StreamChatFn } from './chat/chat-store.ts';
import type { SessionClient, WhoAmI } from './session/session.ts';

/**
 * The typed client (tRPC with its links) is the largest piece of the page and the first screen
 * does not need it: the status pill reads the plain `GET /api/status/summary`. The client is
 * loaded when the page is idle, or by the first call that needs it, whichever comes first.
 */
let client:
  | Promise<{ api: BastionClient; module: typeof import('@bastion/api/client') }>
  | undefined;

export function loadClient() {
  client ??= import('@bastion/api/client').then((module) => ({
    module,
    // The page talks to the server that served it; a keyed deployment by session cookie.
    api: module.createBastionClient({ url: window.location.origin }),
  }));
  return client;
}

export async function bastion(): Promise<BastionClient> {
  return (await loadClient()).api;
}

/** A failed plain HTTP call, shaped like a tRPC error's `data` so one check reads both. */
export class HttpError extends Error {
  readonly data: { httpStatus: number };
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.data = { httpStatus: status };
  }
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status);
  return (await res.json()) as T;
}

export const fetchSummary = () => getJson<StatusSummary>('/api/status/summary');

type Outputs = inferRouterOutputs<AppRouter>;
type Documents = Outputs['rag']['documents'];

/** A tRPC query as a plain GET (no typed client): what the first screen reads. */
async function query<T>(path: string, input?: object): Promise<T> {
  const search = input ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
  return (await getJson<{ result: { data: T } }>(`/api/trpc/${path}${search}`)).result.data;
}

/**
 * The first page of a collection's documents (what the empty state's starter questions are made
 * of), as a plain tRPC GET: the first screen does not wait for the typed client.
 */
export function fetchDocuments(collection: string | null): Promise<Documents> {
  return query('rag.documents', { limit: 100, ...(collection ? { collection } : {}) });
}

/** The collections the caller may read (the picker), without waiting for the typed client. */
export const fetchCollections = () => query<Outputs['rag']['collections']>('rag.collections');

export const streamAnswer: StreamChatFn = async (request: ChatRequest, options) => {
  const { api, module } = await loadClient();
  return module.streamChat(api, request, options) as Promise<ChatOutcome>;
};

/**
 * Cancels a run from a page that is going away: a keepalive request outlives the page (the typed
 * client's own cancel would be dropped with it). A plain tRPC POST, so it needs no client.
 */
export function cancelOnLeave(requestId: string): void {
  void fetch('/api/trpc/chat.cancel', {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requestId }),
  }).catch(() => undefined);
}

export const sessionClient: SessionClient = {
  signIn: async (key) => (await bastion()).session.signIn.mutate({ key }),
  signOut: async () => (await bastion()).session.signOut.mutate(),
  // A plain tRPC GET: the page knows whether it is signed in at start-up, without the client.
  whoami: () => query<WhoAmI>('session.whoami'),
};
