import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
} from '@trpc/client';
import { EventSourceImpl } from '#event-source';
import type { AppRouter } from '../root.ts';
import { fitsBatch, MAX_BATCH_CALLS, MAX_BATCH_URL_CHARS } from './batch-limits.ts';

export interface BastionClientOptions {
  /** Origin of the Bastion server, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Sent as `Authorization: Bearer …` on every call, subscriptions included (Node). */
  apiKey?: string | undefined;
  /** Custom fetch (tests, proxies). Defaults to the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
}

export type BastionClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function trpcEndpoint(url: string): string {
  return `${url.replace(/\/+$/, '')}/api/trpc`;
}

export function createBastionClient(options: BastionClientOptions): BastionClient {
  const endpoint = trpcEndpoint(options.url);
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const authHeaders: Record<string, string> = options.apiKey
    ? { authorization: `Bearer ${options.apiKey}` }
    : {};
  const authedFetch: typeof globalThis.fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      headers: { ...Object.fromEntries(new Headers(init?.headers)), ...authHeaders },
    });

  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          EventSource: EventSourceImpl,
          eventSourceOptions: options.apiKey || options.fetch ? { fetch: authedFetch } : {},
        }),
        false: splitLink({
          // Every chat call is a model call of its own: unbatched, it is answered when it is
          // done (a batch waits for its slowest call), its AbortSignal stops it alone (a batch is
          // aborted only with all its calls) and a limit refuses it alone.
          // So is a call too long for a batch (a search far over its cap, a large ingest): the
          // server judges it alone. Batches stay within the server's and the edge's limits.
          condition: (op) => op.path.startsWith('chat.') || !fitsBatch(endpoint, op),
          true: httpLink({ url: endpoint, fetch: authedFetch }),
          false: httpBatchLink({
            url: endpoint,
            fetch: authedFetch,
            maxItems: MAX_BATCH_CALLS,
            maxURLLength: MAX_BATCH_URL_CHARS,
          }),
        }),
      }),
    ],
  });
}

export { TRPCClientError } from '@trpc/client';
export type {
  ChatCompletion,
  ChatEvent,
  GuardrailsReport,
  ServedBy,
  Source,
  Usage,
} from '../chat/types.ts';
export type { Reason, ReasonedErrorData } from '../errors.ts';
export {
  type ChatError,
  type ChatOutcome,
  type ChatRequest,
  type StreamChatOptions,
  streamChat,
} from './chat.ts';
export { errorReason } from './errors.ts';
export type { AppRouter };
