import {
  type ApiDeps,
  type AppRouter,
  appRouter,
  type Context,
  DEFAULT_COLLECTION,
  DomainError,
  isDomainError,
  MAX_MESSAGES,
  RAG_LIMITS,
  retryAfterMsOf,
  statusSummary,
} from '@bastion/api';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../config/security.ts';
import { refuseTrpc } from './api-error.ts';
import { guardApiScope } from './api-scope.ts';
import {
  actorOf,
  clearCookie,
  cookieName,
  findKey,
  requireKey,
  setCookie,
  tlsCookies,
} from './auth.ts';
import type { KeyGuesses } from './key-guesses.ts';
import { type Limiter, refuseRateLimited } from './rate-limit.ts';
import { onceClosed } from './reply-closed.ts';
import { SESSION_TTL_MS, type Sessions } from './sessions.ts';
import { registerDirectRoutes } from './trpc-direct.ts';

export interface ApiOptions {
  deps: ApiDeps;
  security: SecurityConfig;
  sessions: Sessions;
  /** RATE_LIMIT_API, shared with `/v1`. */
  limiter: Limiter | null;
  /** Sign-in attempts and refused bearer keys per client address (brute force). */
  keyGuesses: KeyGuesses;
  /** Feedback and analytics calls per key or client address (`PAGE_WRITES_LIMIT`). */
  pageWritesLimiter: Limiter;
}

/**
 * What the page offers an anonymous visitor of a PUBLIC_CHAT server: chat, search and the
 * collection picker (both limited to what anonymous callers may read, the default collection),
 * 👍/👎 on its own answers (the answer's feedback token proves it was theirs), and the anonymous
 * analytics of its own visitor id (events, and their export and erasure, which only the holder
 * of the random id can name). Never: ingest, deletion, document listings, tools, status, or the
 * analytics summary.
 */
const PUBLIC_PAGE = new Set([
  'chat.start',
  'chat.stream',
  'chat.cancel',
  'chat.complete',
  'rag.search',
  'rag.collections',
  'feedback.submit',
  'analytics.track',
  'analytics.export',
  'analytics.erase',
]);

/** Signing in and out, and asking who one is: open to every caller. */
const SIGN_IN = new Set(['session.signIn', 'session.signOut', 'session.whoami']);

/**
 * What an anonymous caller may call on a keyed server, by exact procedure path (a procedure
 * added later needs a key until it is listed here): signing in, and with PUBLIC_CHAT the page's
 * chat and what else it offers a visitor (`PUBLIC_PAGE`).
 */
export function anonymousMay(path: string, publicChat: boolean): boolean {
  return SIGN_IN.has(path) || (publicChat && PUBLIC_PAGE.has(path));
}

/**
 * The page's small writes: each call costs from a budget per key or client address that a person
 * clicking never meets (a vote or an event every second) and a script flooding ratings or events
 * does, on top of RATE_LIMIT_API, whoever calls.
 */
const PAGE_WRITES = new Set([
  'feedback.submit',
  'analytics.track',
  'analytics.export',
  'analytics.erase',
]);
export const PAGE_WRITES_LIMIT = { max: 60, windowMs: 60_000 };

/** The router's cap on a path parameter: the comma-separated procedures of a tRPC batch. */
export const MAX_PARAM_LENGTH = 200;

/**
 * The most objects and arrays a valid tRPC body holds: a batch (`{"0": input, …}`) of as many
 * calls as the path cap names (the shortest procedure name and its comma take 10 characters), each
 * at most the input object, its list and one object per entry of the longest list a procedure
 * takes (ingest's documents, chat's messages), twice over for slack.
 */
const TRPC_JSON_SHAPE = {
  maxContainers:
    1 + Math.ceil(MAX_PARAM_LENGTH / 10) * 2 * (2 + Math.max(RAG_LIMITS.documents, MAX_MESSAGES)),
  maxDepth: 32,
};

/** What tRPC calls are sent with: queries and subscriptions by GET, mutations by POST. */
const TRPC_METHODS = ['GET', 'POST'];

const KEY_REQUIRED = 'An API key is required (Authorization: Bearer <key>, or session.signIn)';

/**
 * The procedures a tRPC request names, read as tRPC reads them: the route parameter (decoded by
 * the router), decoded once more, split on `,` (always, which is a superset of what a non-batch
 * call can name); a direct route names its procedure. Undecodable: null, refused.
 */
function namedProcedures(req: FastifyRequest): string[] | null {
  const own = req.routeOptions.config.trpcPath;
  if (own !== undefined) return [own];
  try {
    return decodeURIComponent((req.params as { path?: string }).path ?? '').split(',');
  } catch {
    return null;
  }
}

function sessionControl(
  req: FastifyRequest,
  reply: FastifyReply,
  { security, sessions, keyGuesses }: ApiOptions,
): NonNullable<Context['session']> {
  const tls = tlsCookies(req, security.publicTls);
  return {
    keyRequired: security.requireKey,
    publicChat: security.publicChat,
    async signIn(secret) {
      const refused = keyGuesses.blocked(req) ?? (await keyGuesses.count(req));
      if (refused) {
        reply.header('retry-after', String(Math.ceil(refused.retryAfterMs / 1000)));
        throw new DomainError('rate_limited', 'Too many sign-in attempts; retry later', refused);
      }
      const key = findKey(secret, security.keys);
      if (!key) return null;
      await sessions.delete(req.cookies[cookieName(tls, 'session')]);
      setCookie(tls, reply, 'session', await sessions.create(key.id), SESSION_TTL_MS / 1000);
      return { keyId: key.id, role: key.role };
    },
    async signOut() {
      await sessions.delete(req.cookies[cookieName(tls, 'session')]);
      clearCookie(tls, reply, 'session');
    },
  };
}

/**
 * The `/api` scope (registered with that prefix): the tRPC endpoint and the plain-JSON status
 * mirror, behind the scope's guards. Keys are enforced per route: the status mirror always needs
 * one when keys are configured; tRPC decides per resolved procedure (see `anonymousMay`).
 */
export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (api, options) => {
  const { deps, security, sessions, limiter } = options;
  await guardApiScope(api, {
    keys: security.keys,
    sessions,
    keyGuesses: options.keyGuesses,
    publicTls: security.publicTls,
    allowedOrigins: security.allowedOrigins,
    limiter,
    refuse: refuseTrpc,
    jsonShape: TRPC_JSON_SHAPE,
    anonymousCollections: security.requireKey ? [DEFAULT_COLLECTION] : null,
  });

  await api.register(async (keyed) => {
    keyed.addHook('onRequest', requireKey(security.requireKey, refuseTrpc));
    keyed.get('/status/summary', async (req) => statusSummary(deps, actorOf(req)));
  });

  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router: appRouter,
    createContext: async ({ req, res, info }): Promise<Context> => {
      const actor = actorOf(req);
      const keyless = security.requireKey && actor.role === 'anonymous';
      const allowed = (path: string) => !keyless || anonymousMay(path, security.publicChat);
      // Nothing this request names may run: refused as a whole, with the auth challenge.
      if (!info.calls.some((call) => allowed(call.path))) {
        res.header('www-authenticate', 'Bearer realm="bastion"');
        throw new DomainError('unauthenticated', KEY_REQUIRED);
      }
      // The authoritative check, per call tRPC dispatches: a batch pays per call, and a refused
      // call fails alone.
      const admit = async (path: string) => {
        if (!allowed(path)) throw new DomainError('unauthenticated', KEY_REQUIRED);
        if (!PAGE_WRITES.has(path)) return;
        const refused = await options.pageWritesLimiter(req);
        if (refused) {
          throw new DomainError('rate_limited', 'Too many ratings or events; retry later', refused);
        }
      };
      return {
        deps,
        requestId: req.id,
        actor,
        admit,
        onReplyClosed: (release) => onceClosed(res.raw, release),
        session: sessionControl(req, res, options),
        origin: {
          sent: req.headers.origin ?? null,
          own: req.headers.host ? `${req.protocol}://${req.headers.host}` : null,
        },
      };
    },
    // A refusal that says when to retry (chat limits) carries `Retry-After`, as the edge's do.
    responseMeta({ errors }) {
      const waits = errors.map(retryAfterMsOf).filter((ms) => ms !== undefined);
      if (waits.length === 0) return {};
      return {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) },
      };
    },
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR' && !isDomainError(error)) {
        req.log.error({ path, err: error.cause ?? error }, 'procedure failed');
      }
    },
  };
  await api.register(async (trpc) => {
    // The key check before tRPC answers, so a refused subscription gets a 401 status rather than
    // a 200 event stream carrying the error; createContext stays the authoritative check.
    trpc.addHook('onRequest', async (req, reply) => {
      // tRPC's route takes every method, and Request refuses some (TRACE) with a 500.
      if (!TRPC_METHODS.includes(req.method)) {
        reply.header('allow', TRPC_METHODS.join(', '));
        return refuseTrpc(reply, 'method_not_supported', `${req.method} is not supported here`);
      }
      const named = namedProcedures(req) ?? [''];
      const anonymous = security.requireKey && actorOf(req).role === 'anonymous';
      if (anonymous && !named.some((path) => anonymousMay(path, security.publicChat))) {
        reply.header('www-authenticate', 'Bearer realm="bastion"');
        return refuseTrpc(reply, 'unauthenticated', KEY_REQUIRED);
      }
      // A batch costs what its calls would cost one by one (the scope's guard charged the first).
      for (let call = 1; limiter && call < named.length; call++) {
        const refused = await limiter(req);
        if (refused) return refuseRateLimited(reply, refused, refuseTrpc);
      }
    });
    // An answer's own calls (`chat.start`, `chat.stream`) skip tRPC's fetch adapter (trpc-direct.ts).
    registerDirectRoutes(trpc, '/trpc', trpcOptions, ['chat.start']);
    await trpc.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
  });
};
