import { type ApiDeps, createChat, createToolRunner } from '@bastion/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildInfo } from './config/build-info.ts';
import type { ServerConfig } from './config/env.ts';
import { openKnowledgeBase } from './knowledge-base.ts';
import { apiPlugin } from './plugins/api.ts';
import { authPlugin } from './plugins/auth.ts';
import { corsPlugin } from './plugins/cors.ts';
import { healthPlugin } from './plugins/health.ts';
import { logRedaction } from './plugins/log-redaction.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { genReqId } from './plugins/request-id.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { webPlugin } from './plugins/web.ts';

export interface BastionServer {
  app: FastifyInstance;
  /** Listens on the configured host and port; resolves to the base URL. */
  start: () => Promise<string>;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  /** Where logs go instead of stdout (tests read them). */
  logStream?: NodeJS.WritableStream;
}

export async function createServer(
  config: ServerConfig,
  options: ServerOptions = {},
): Promise<BastionServer> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...logRedaction,
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    trustProxy: config.security.trustProxy,
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  let ready = false;
  const kb = await openKnowledgeBase(config, app.log);
  const chat = createChat(config.chat, kb, app.log, { defaultMetrics: true });
  const deps: ApiDeps = {
    build: buildInfo(),
    // Ready once listening with the database open and migrated.
    isReady: () => ready && kb.isOpen,
    adminEnabled: config.security.adminEnabled,
    chat,
    tools: createToolRunner(config.tools),
    kb,
  };

  // Order matters: headers on every reply, then origin, key and rate checks before any route.
  await app.register(securityHeadersPlugin, { webRoot: config.webRoot });
  await app.register(corsPlugin, { allowedOrigins: config.security.allowedOrigins });
  await app.register(authPlugin, config.security);
  await app.register(rateLimitPlugin, config.security.rateLimits);
  await app.register(healthPlugin, { isReady: deps.isReady });
  await app.register(apiPlugin, { deps });
  await app.register(metricsPlugin, { registry: chat.metrics.registry });
  if (config.webRoot) await app.register(webPlugin, { root: config.webRoot });

  return {
    app,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port });
      chat.health.start();
      ready = true;
      return address;
    },
    async stop() {
      ready = false;
      chat.health.stop();
      await app.close();
      await kb.close();
    },
  };
}
