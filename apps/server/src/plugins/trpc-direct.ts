import { PassThrough } from 'node:stream';
import type { AnyTRPCRouter } from '@trpc/server';
import {
  type FastifyTRPCPluginOptions,
  fastifyRequestHandler,
} from '@trpc/server/adapters/fastify';
import {
  getErrorShape,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAbortError,
  isTrackedEnvelope,
  sseHeaders,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One SSE frame as tRPC's `sseStreamProducer` writes it: its fields, then `\n\n`. */
function frame(fields: { event?: string; data: string; id?: string }): string {
  const event = fields.event === undefined ? '' : `event: ${fields.event}\n`;
  const id = fields.id === undefined ? '' : `id: ${fields.id}\n`;
  return `${event}data: ${fields.data}\n${id}\n\n`;
}

/** Where a reconnecting EventSource says it was, where tRPC looks for it. */
function lastEventIdOf(req: FastifyRequest, params: URLSearchParams): string | null {
  const header = req.headers['last-event-id'];
  return (
    (typeof header === 'string' ? header : null) ??
    params.get('lastEventId') ??
    params.get('Last-Event-Id')
  );
}

/**
 * A subscription request tRPC would answer as a plain event stream: a GET naming one procedure,
 * not batched, with no connection params, no JSONL streaming asked for, and no body type other
 * than JSON. Any other request is answered by tRPC's own adapter.
 */
function plainSubscriptionGet(req: FastifyRequest, params: URLSearchParams): boolean {
  const type = req.headers['content-type'];
  return (
    req.method === 'GET' &&
    params.get('batch') !== '1' &&
    !params.has('connectionParams') &&
    (type === undefined || /^application\/json\b/i.test(type)) &&
    req.headers['trpc-accept'] === undefined &&
    !(req.headers.accept ?? '').split(',').some((t) => t.trim() === 'application/jsonl')
  );
}

/**
 * The event stream of a tRPC subscription (`chat.stream`) written straight to the socket, with
 * the bytes, headers and behaviour of tRPC's adapter: the procedure is called through tRPC
 * (context, middlewares, input validation, error shape and `onError`); only the HTTP side is
 * direct. tRPC's adapter builds a fetch `Request`, a web `Response` and four web streams for a
 * subscription, and every event crosses them all: about a millisecond of CPU between a model's
 * first token and the viewer, and as much again to open the stream.
 *
 * A route per subscription of the router, on the scope that serves tRPC under `prefix` (its
 * guards apply as to any tRPC route; `config.trpcPath` names the procedure for them); a request
 * of any other shape is handed to tRPC's adapter.
 */
export function registerSubscriptionRoutes<TRouter extends AnyTRPCRouter>(
  scope: FastifyInstance,
  prefix: string,
  trpcOptions: FastifyTRPCPluginOptions<TRouter>['trpcOptions'],
): void {
  const { router } = trpcOptions;
  const config = router._def._config;
  const { ping, client, ...other } = config.sse ?? {};
  // What is written here is what tRPC would write for these settings only.
  if (Object.keys(other).length > 0) {
    throw new Error(`sse settings the direct stream does not write: ${Object.keys(other)}`);
  }
  const pingMs = ping?.enabled ? (ping.intervalMs ?? 1_000) : 0;
  const connected = frame({ event: 'connected', data: JSON.stringify(client ?? {}) });
  const serialize = (value: unknown) => JSON.stringify(config.transformer.output.serialize(value));

  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    if ((procedure as { _def: { type: string } })._def.type !== 'subscription') continue;
    scope.get(
      `${prefix}/${path}`,
      {
        exposeHeadRoute: false,
        config: { trpcPath: path },
        // After the scope's `no-store` (a stream tRPC answers is sent with its own headers last).
        onSend: async (_req, reply) => {
          const type = reply.getHeader('content-type');
          if (typeof type === 'string' && type.startsWith('text/event-stream')) {
            reply.header('cache-control', sseHeaders['Cache-Control']);
          }
        },
      },
      async (req, reply) => {
        const query = req.url.indexOf('?');
        const params = new URLSearchParams(query < 0 ? '' : req.url.slice(query + 1));
        if (!plainSubscriptionGet(req, params)) {
          return fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
        }
        return stream(req, reply, path, params);
      },
    );
  }

  async function stream(
    req: FastifyRequest,
    reply: FastifyReply,
    path: string,
    params: URLSearchParams,
  ) {
    // Aborted when the client goes away before the stream ended (tRPC's request signal).
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) abort.abort();
    });
    const info = {
      accept: null,
      type: 'subscription',
      isBatchCall: false,
      calls: [{ path }],
      connectionParams: null,
      signal: abort.signal,
      url: null,
    };
    const lastEventId = lastEventIdOf(req, params);
    let input: unknown;
    let ctx: unknown;
    let events: AsyncIterable<unknown> | null = null;
    let failure: unknown = null;
    try {
      ctx = await trpcOptions.createContext?.({ req, res: reply, info } as never);
      const procedure = await getProcedureAtPath(router, path);
      const data: unknown = await procedure?.({
        path,
        ctx,
        type: 'subscription',
        signal: abort.signal,
        batchIndex: 0,
        getRawInput: async () => {
          const raw = params.get('input');
          input = raw ? config.transformer.input.deserialize(JSON.parse(raw)) : undefined;
          if (!lastEventId) return input;
          if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
            return { ...input, lastEventId };
          }
          return input ?? { lastEventId };
        },
      } as never);
      if (data === null || typeof data !== 'object' || !(Symbol.asyncIterator in data)) {
        throw new Error(`Subscription ${path} did not return an AsyncGenerator`);
      }
      events = data as AsyncIterable<unknown>;
    } catch (cause) {
      failure = cause;
    }
    const errorData = (cause: unknown) => {
      const error = getTRPCErrorFromUnknown(cause);
      trpcOptions.onError?.({ error, path, input, ctx, type: 'subscription', req } as never);
      return getErrorShape({ config, ctx, error, input, path, type: 'subscription' } as never);
    };

    const meta = trpcOptions.responseMeta?.({
      ctx,
      info,
      type: 'subscription',
      paths: [path],
      errors: [],
      eagerGeneration: true,
      data: [],
    } as never);
    reply.code(meta?.status ?? 200);
    reply.header('vary', 'trpc-accept, accept');
    for (const [name, value] of Object.entries(meta?.headers ?? {})) reply.header(name, value);
    for (const [name, value] of Object.entries(sseHeaders)) reply.header(name, value);

    const body = new PassThrough();
    // The next event is asked for once the socket took this one (as tRPC's pull-based stream
    // does): a viewer that reads slowly gets the deltas that queued up meanwhile as one event.
    const write = (text: string): Promise<void> | undefined => {
      if (body.destroyed || body.write(text)) return;
      return new Promise((resolve) => {
        const done = () => {
          body.off('drain', done);
          body.off('close', done);
          resolve();
        };
        body.on('drain', done);
        body.on('close', done);
      });
    };
    write(connected);

    // A ping after `pingMs` without an event, as tRPC's: one timer, moved on only when it fires.
    let lastSentAt = Date.now();
    let pinger: ReturnType<typeof setTimeout> | undefined;
    const armPing = (ms: number) => {
      pinger = setTimeout(() => {
        const quiet = Date.now() - lastSentAt;
        if (quiet >= pingMs) {
          write(frame({ event: 'ping', data: '' }));
          lastSentAt = Date.now();
        }
        armPing(pingMs - (quiet >= pingMs ? 0 : quiet));
      }, ms);
    };
    if (pingMs > 0) armPing(pingMs);

    const pump = async () => {
      let lastId = lastEventId && !/[\0\n\r]/.test(lastEventId) ? lastEventId : null;
      try {
        if (failure) throw failure;
        for await (const value of events!) {
          lastSentAt = Date.now();
          if (isTrackedEnvelope(value)) {
            lastId = String(value[0]);
            await write(frame({ data: serialize(value[1]), id: lastId }));
          } else if (lastId === null) {
            await write(frame({ data: serialize(value) }));
          } else {
            write(frame({ data: serialize(value), id: '' }));
            await write(frame({ event: 'restore-id', data: '', id: lastId }));
          }
          if (body.destroyed) return;
        }
        write(frame({ event: 'return', data: '' }));
      } catch (cause) {
        if (!isAbortError(cause)) {
          write(frame({ event: 'serialized-error', data: serialize(errorData(cause)) }));
        }
      } finally {
        clearTimeout(pinger);
        body.end();
      }
    };
    void pump();
    return reply.send(body);
  }
}
