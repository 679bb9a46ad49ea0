import { PassThrough } from 'node:stream';
import { type AnyTRPCRouter, TRPCError } from '@trpc/server';
import {
  type FastifyTRPCPluginOptions,
  fastifyRequestHandler,
} from '@trpc/server/adapters/fastify';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAbortError,
  isTrackedEnvelope,
  sseHeaders,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The one tRPC procedure a direct route serves (see `registerDirectRoutes`). */
    trpcPath?: string;
  }
}

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

/** The body type tRPC reads as JSON: `application/json`, parameters aside, any case. */
const isJson = (type: string | undefined) =>
  type?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';

/**
 * A request tRPC answers with one plain reply: one procedure named, not batched, no connection
 * params, no JSONL streaming asked for; a GET with no body type other than JSON, a POST with a
 * JSON body. Any other request is answered by tRPC's own adapter.
 */
function plainCall(req: FastifyRequest, params: URLSearchParams): boolean {
  const type = req.headers['content-type'];
  return (
    (req.method === 'POST' ? isJson(type) : req.method === 'GET' && (!type || isJson(type))) &&
    params.get('batch') !== '1' &&
    !params.has('connectionParams') &&
    req.headers['trpc-accept'] === undefined &&
    !(req.headers.accept ?? '').split(',').some((t) => t.trim() === 'application/jsonl')
  );
}

/**
 * Direct routes for the calls on a chat answer's way to its first token: every subscription
 * (`chat.stream`), written to the socket as each event comes, and the mutations named in
 * `mutations` (`chat.start`), answered with one JSON body. The procedure is still called through
 * tRPC (context, middlewares, input validation, error shape, `onError`, `responseMeta`); only the
 * HTTP side is direct, with tRPC's bytes, status and headers. tRPC's fetch adapter builds a fetch
 * `Request` and a web `Response` for each call and four web streams for a subscription, and every
 * event crosses them all: about a millisecond of CPU between a model's first token and the
 * viewer, and as much again to open the stream and to start the answer.
 *
 * A route per procedure, on the scope that serves tRPC under `prefix` (its guards apply as to
 * any tRPC route; `config.trpcPath` names the procedure for them); a request of any other shape
 * (batched, JSONL, another body type) is handed to tRPC's adapter.
 */
export function registerDirectRoutes<TRouter extends AnyTRPCRouter>(
  scope: FastifyInstance,
  prefix: string,
  trpcOptions: FastifyTRPCPluginOptions<TRouter>['trpcOptions'],
  mutations: readonly string[],
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
  // Bodies reach the handler as the text tRPC would read (as its own plugin registers).
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  type Type = 'subscription' | 'mutation';
  /** One call of `path` through tRPC: its context, and what the procedure returned or threw. */
  async function call(
    req: FastifyRequest,
    reply: FastifyReply,
    path: string,
    type: Type,
    rawInput: () => unknown,
  ) {
    // Aborted when the client goes away before the reply ended (tRPC's request signal).
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) abort.abort();
    });
    const info = {
      accept: null,
      type,
      isBatchCall: false,
      calls: [{ path }],
      connectionParams: null,
      signal: abort.signal,
      url: null,
    };
    const result = { info, ctx: undefined as unknown, input: undefined as unknown };
    try {
      result.ctx = await trpcOptions.createContext?.({ req, res: reply, info } as never);
      const procedure = await getProcedureAtPath(router, path);
      const data: unknown = await procedure?.({
        path,
        ctx: result.ctx,
        type,
        signal: abort.signal,
        batchIndex: 0,
        getRawInput: async () => {
          try {
            result.input = rawInput();
          } catch (cause) {
            // A body or query that does not read (bad JSON) is the caller's error, as tRPC's
            // adapter words it: a 400 with the parser's message, not an internal error logged.
            if (cause instanceof TRPCError) throw cause;
            const message = cause instanceof Error ? cause.message : 'Invalid input';
            throw new TRPCError({ code: 'BAD_REQUEST', message, cause });
          }
          return result.input;
        },
      } as never);
      return { ...result, data, failure: null };
    } catch (failure) {
      return { ...result, data: undefined, failure };
    }
  }

  /** tRPC's error shape for what a call threw, reported to `onError` first. */
  function errorShape(
    req: FastifyRequest,
    path: string,
    type: Type,
    called: { ctx: unknown; input: unknown },
    cause: unknown,
  ) {
    const error = getTRPCErrorFromUnknown(cause);
    const { ctx, input } = called;
    trpcOptions.onError?.({ error, path, input, ctx, type, req } as never);
    return { error, shape: getErrorShape({ config, ctx, error, input, path, type } as never) };
  }

  /** Status and headers as tRPC's `responseMeta` has them. */
  function head(
    reply: FastifyReply,
    called: { ctx: unknown; info: unknown },
    type: Type,
    path: string,
    outcome: { status: number; errors: unknown[]; data: unknown[]; eagerGeneration: boolean },
  ) {
    const { status, ...rest } = outcome;
    const meta = trpcOptions.responseMeta?.({
      ctx: called.ctx,
      info: called.info,
      type,
      paths: [path],
      ...rest,
    } as never);
    reply.code(meta?.status ?? status);
    reply.header('vary', 'trpc-accept, accept');
    for (const [name, value] of Object.entries(meta?.headers ?? {})) reply.header(name, value);
  }

  const route =
    (path: string, handle: (req: FastifyRequest, reply: FastifyReply) => unknown) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const query = req.url.indexOf('?');
      const params = new URLSearchParams(query < 0 ? '' : req.url.slice(query + 1));
      if (!plainCall(req, params)) {
        return fastifyRequestHandler({ ...trpcOptions, req, res: reply, path });
      }
      return handle(req, reply);
    };

  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const type = (procedure as { _def: { type: string } })._def.type;
    if (type === 'subscription') {
      scope.get(
        `${prefix}/${path}`,
        {
          exposeHeadRoute: false,
          config: { trpcPath: path },
          // An answer is an API response: never stored (SPEC: API responses `no-store`), where
          // tRPC's SSE headers say `no-cache` (which lets a cache keep it); `no-transform` kept.
          // (A stream of another shape, which tRPC's adapter writes to the socket itself, keeps
          // tRPC's header; behind the edge every /api answer is `no-store`.)
          onSend: async (_req, reply) => {
            const sent = reply.getHeader('content-type');
            if (typeof sent === 'string' && sent.startsWith('text/event-stream')) {
              reply.header('cache-control', 'no-store, no-transform');
            }
          },
        },
        route(path, (req, reply) => stream(req, reply, path)),
      );
    } else if (type === 'mutation' && mutations.includes(path)) {
      scope.post(
        `${prefix}/${path}`,
        { config: { trpcPath: path } },
        route(path, (req, reply) => mutate(req, reply, path)),
      );
    }
  }

  async function mutate(req: FastifyRequest, reply: FastifyReply, path: string) {
    const body = req.body as string | undefined;
    const called = await call(req, reply, path, 'mutation', () =>
      body ? config.transformer.input.deserialize(JSON.parse(body)) : undefined,
    );
    const failed = called.failure
      ? errorShape(req, path, 'mutation', called, called.failure)
      : null;
    const json = failed ? { error: failed.shape } : { result: { data: called.data } };
    const errors = failed ? [failed.error] : [];
    head(reply, called, 'mutation', path, {
      status: getHTTPStatusCode(json as never, errors),
      errors,
      data: [json],
      eagerGeneration: false,
    });
    reply.header('content-type', 'application/json');
    return reply.send(JSON.stringify(transformTRPCResponse(config, json as never)));
  }

  async function stream(req: FastifyRequest, reply: FastifyReply, path: string) {
    const query = req.url.indexOf('?');
    const params = new URLSearchParams(query < 0 ? '' : req.url.slice(query + 1));
    const lastEventId = lastEventIdOf(req, params);
    const called = await call(req, reply, path, 'subscription', () => {
      const raw = params.get('input');
      const input = raw ? config.transformer.input.deserialize(JSON.parse(raw)) : undefined;
      if (!lastEventId) return input;
      if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
        return { ...input, lastEventId };
      }
      return input ?? { lastEventId };
    });
    let failure = called.failure;
    const events = called.data;
    if (
      !failure &&
      (events === null || typeof events !== 'object' || !(Symbol.asyncIterator in events))
    ) {
      failure = new Error(`Subscription ${path} did not return an AsyncGenerator`);
    }
    head(reply, called, 'subscription', path, {
      status: 200,
      errors: [],
      data: [],
      eagerGeneration: true,
    });
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
        for await (const value of events as AsyncIterable<unknown>) {
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
          const { shape } = errorShape(req, path, 'subscription', called, cause);
          write(frame({ event: 'serialized-error', data: serialize(shape) }));
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
