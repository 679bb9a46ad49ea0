import { chmodSync, mkdirSync } from 'node:fs';
import {
  type ApiDeps,
  type Chat,
  connectRedis,
  createChat,
  createToolRunner,
  Feedback,
  feedbackTokens,
  openAnalyticsStore,
  RedisChatLimiter,
  RedisRuns,
  scheduleRetention,
} from '@bastion/api';
import { defaultAppLimits, maxUrlBytes } from '@bastion/security';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { buildInfo } from './config/build-info.ts';
import type { ServerConfig } from './config/env.ts';
import { openKnowledgeBase } from './knowledge-base.ts';
import { openaiPlugin } from './openai/plugin.ts';
import { COMPLETION_JSON_SHAPE } from './openai/request.ts';
import { apiPlugin, MAX_PARAM_LENGTH, PAGE_WRITES_LIMIT } from './plugins/api.ts';
import { type Refuse, refuseOpenAI, refuseTrpc } from './plugins/api-error.ts';
import { guardApiScope } from './plugins/api-scope.ts';
import { requireKey } from './plugins/auth.ts';
import { clientAddress } from './plugins/client-address.ts';
import { healthPlugin } from './plugins/health.ts';
import { hostPlugin } from './plugins/host.ts';
import { KeyGuesses } from './plugins/key-guesses.ts';
import { logRedaction } from './plugins/log-redaction.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { createLimiter, registerRateLimits } from './plugins/rate-limit.ts';
import { requestIds } from './plugins/request-id.ts';
import {
  clientErrorHandler,
  frameworkErrors,
  securityHeadersPlugin,
} from './plugins/security-headers.ts';
import { RedisSessionStore, SessionStore } from './plugins/sessions.ts';
import { webPlugin } from './plugins/web.ts';

export interface BastionServer {
  app: FastifyInstance;
  /** Every route the server registered (method and URL pattern), as the router knows them. */
  routes: ReadonlyArray<{ method: string; url: string }>;
  /** Listens on the configured host and port; resolves to the base URL. */
  start: () => Promise<string>;
  stop: () => Promise<void>;
  /** The model providers' health (main.ts names the live answer path at start-up). */
  llm: Pick<Chat['health'], 'probe' | 'status'>;
}

export interface ServerOptions {
  /** Where logs go instead of stdout (tests read them). */
  logStream?: NodeJS.WritableStream;
}

/** Headers must arrive within this (or the request timeout, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * The request line and headers together: a search query at its cap, sent in a GET's URL, fits
 * with room for the other headers (Node's default, 16 KiB, refused one of 3,000 CJK characters).
 */
const MAX_HEADER_BYTES = maxUrlBytes(defaultAppLimits.queryChars) + 16 * 1024;

/**
 * DATA_DIR holds the database, analytics and logs: only this user may enter it (0700), whatever
 * the umask was when it was made.
 */
function restrictDataDir(dataDir: string, log: FastifyBaseLogger): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (error) {
    log.warn({ err: error, dataDir }, 'cannot make DATA_DIR private (0700)');
  }
}

/** The API scopes' prefixes, and how each words a refusal (its guards' and the router's own). */
const API_SCOPES = [
  { prefix: '/api', refuse: refuseTrpc },
  { prefix: '/v1', refuse: refuseOpenAI },
] as const;
const [API_SCOPE, V1_SCOPE] = API_SCOPES;

/**
 * The refusal of the scope a URL names, for errors before any route matched; elsewhere tRPC's
 * (the edge's choice too when the path is not known).
 */
function refusalFor(url: string): Refuse {
  const scope = API_SCOPES.find(({ prefix }) => url === prefix || url.startsWith(`${prefix}/`));
  return scope?.refuse ?? refuseTrpc;
}

export async function createServer(
  config: ServerConfig,
  options: ServerOptions = {},
): Promise<BastionServer> {
  const { security } = config;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...logRedaction,
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId: requestIds(security.trustProxy),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: security.trustProxy,
    // A client that sends its headers or body slowly holds a socket: both are timed out (408).
    requestTimeout: security.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, security.requestTimeoutMs),
      maxHeaderSize: MAX_HEADER_BYTES,
      connectionsCheckingInterval: 1_000,
    },
    clientErrorHandler,
    frameworkErrors: frameworkErrors(refusalFor),
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', ({ method, url }) => {
    for (const m of [method].flat()) routes.push({ method: m, url });
  });

  let ready = false;
  restrictDataDir(config.dataDir, app.log);
  // The database's own files are made private where it is opened (openStorage), for every opener.
  const kb = await openKnowledgeBase(config, app.log);
  // RATE_LIMIT_CHAT counts answers inside chat (every chat path), not HTTP requests.
  const chatLimits = { ...config.chat.limits, rate: config.security.rateLimits.chat };
  // REDIS_URL: limits, caps, chat runs and sessions shared by every replica (start-up waits for it).
  const redis = config.redis.url
    ? await connectRedis(config.redis.url, app.log, { waitMs: config.redis.waitMs }).catch(
        async (error) => {
          await kb.close();
          throw error;
        },
      )
    : null;
  const shared = redis
    ? {
        limiter: new RedisChatLimiter(redis, chatLimits),
        // Finished runs stay resumable a minute, as in memory (create-chat.ts).
        runs: await RedisRuns.open(redis, { retainMs: 60_000 }),
      }
    : null;
  if (shared)
    app.log.info({ replica: shared.runs.replicaId }, 'replica sharing state through Redis');
  const chat = createChat({ ...config.chat, limits: chatLimits }, kb, app.log, {
    defaultMetrics: true,
    shared,
  });
  const { dir: analyticsDir, ...analyticsSettings } = config.analytics;
  // With DATABASE_URL every replica appends to one table; else a JSONL file per day in DATA_DIR.
  const analyticsStore = await openAnalyticsStore(kb.database, analyticsDir);
  let retention: { stop: () => void } | undefined;
  const deps: ApiDeps = {
    build: buildInfo(),
    // Ready once listening with the database open and migrated.
    isReady: () => ready && kb.isOpen,
    adminEnabled: security.adminEnabled,
    chat,
    tools: createToolRunner(config.tools),
    kb,
    analytics: {
      ...analyticsSettings,
      // The page's public origin(s), which a TLS proxy in front may hide from the request.
      pageOrigins: config.security.allowedOrigins.filter((o) => o !== '*'),
      store: analyticsStore,
    },
    // Counted in /metrics on the chat registry (bastion_feedback_total).
    // Tokens signed with a key every replica shares when REDIS_URL is set.
    feedback: new Feedback(kb.database, chat.metrics.registry, await feedbackTokens(redis)),
  };

  // Every request: a known Host, then the header policy on every reply (errors included).
  await app.register(hostPlugin, { allowedHosts: security.allowedHosts, listenHost: config.host });
  await app.register(securityHeadersPlugin, { webRoot: config.webRoot });
  await app.register(fastifyCookie);
  await registerRateLimits(app, redis);
  const limiter = security.rateLimits.api
    ? createLimiter(app, 'api', security.rateLimits.api)
    : null;
  // Sign-ins and refused bearer keys per client address (RATE_LIMIT_SIGN_IN): a key cannot be
  // guessed at request speed on any surface.
  const keyGuesses = new KeyGuesses(
    createLimiter(app, 'sign-in', security.rateLimits.signIn, clientAddress),
  );
  const pageWritesLimiter = createLimiter(app, 'page-writes', PAGE_WRITES_LIMIT);

  // Each surface carries its own guards (see plugins/api-scope.ts): a route is guarded because it
  // matched, never because the raw URL looked a certain way.
  await app.register(healthPlugin, { isReady: deps.isReady });
  await app.register(metricsPlugin, {
    registry: chat.metrics.registry,
    keys: security.keys,
    keyGuesses,
  });
  await app.register(apiPlugin, {
    prefix: API_SCOPE.prefix,
    deps,
    security,
    sessions: redis ? new RedisSessionStore(redis) : new SessionStore(),
    limiter,
    keyGuesses,
    pageWritesLimiter,
  });
  await app.register(
    async (v1) => {
      await guardApiScope(v1, {
        keys: security.keys,
        sessions: null,
        keyGuesses,
        publicTls: security.publicTls,
        allowedOrigins: security.allowedOrigins,
        limiter,
        refuse: V1_SCOPE.refuse,
        jsonShape: COMPLETION_JSON_SHAPE,
      });
      // Bearer keys only (no cookies): OpenAI clients send `Authorization: Bearer <key>`.
      v1.addHook('onRequest', requireKey(security.requireKey, V1_SCOPE.refuse));
      // OpenAI-compatible routes: openaiPlugin from ./openai/plugin.ts. Registered inside the
      // scope, its routes inherit every guard above.
      await v1.register(openaiPlugin, { deps });
    },
    { prefix: V1_SCOPE.prefix },
  );
  if (config.webRoot) await app.register(webPlugin, { root: config.webRoot });
  // Fastify's own 404 echoes the whole URL (query included) into the reply and the log.
  else app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found' }));

  return {
    app,
    routes,
    llm: chat.health,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port });
      chat.health.start();
      retention = scheduleRetention(analyticsStore, config.analytics.retentionDays, app.log);
      ready = true;
      return address;
    },
    async stop() {
      ready = false;
      chat.health.stop();
      retention?.stop();
      await app.close();
      shared?.limiter.close();
      await shared?.runs.close();
      await redis?.quit().catch(() => {});
      await kb.close();
      await analyticsStore.close();
    },
  };
}
