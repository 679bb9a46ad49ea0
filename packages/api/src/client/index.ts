import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSourceImpl } from '#event-source';
import type { Reason, ReasonedErrorData } from '../errors.ts';
import type { AppRouter } from '../root.ts';

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
        false: httpBatchLink({ url: endpoint, fetch: authedFetch }),
      }),
    ],
  });
}

/** The stable `data.reason` of a failed call, if the server gave one. */
export function errorReason(error: unknown): Reason | null {
  if (error instanceof TRPCClientError) {
    const reason = (error.data as Partial<ReasonedErrorData> | undefined)?.reason;
    return typeof reason === 'string' ? reason : null;
  }
  return null;
}

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
export type { AppRouter };
export { TRPCClientError };
