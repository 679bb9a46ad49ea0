import type { ApiDeps } from '@bastion/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildInfo } from './config/build-info.ts';
import type { ServerConfig } from './config/env.ts';
import { apiPlugin } from './plugins/api.ts';
import { healthPlugin } from './plugins/health.ts';
import { genReqId } from './plugins/request-id.ts';
import { webPlugin } from './plugins/web.ts';

export interface BastionServer {
  app: FastifyInstance;
  /** Listens on the configured host and port; resolves to the base URL. */
  start: () => Promise<string>;
  stop: () => Promise<void>;
}

export async function createServer(config: ServerConfig): Promise<BastionServer> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
        censor: '[redacted]',
      },
    },
    genReqId,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  let ready = false;
  const deps: ApiDeps = {
    build: buildInfo(),
    isReady: () => ready,
    adminEnabled: false,
  };

  await app.register(healthPlugin, { isReady: deps.isReady });
  await app.register(apiPlugin, { deps });
  if (config.webRoot) await app.register(webPlugin, { root: config.webRoot });

  return {
    app,
    async start() {
      const address = await app.listen({ host: config.host, port: config.port });
      ready = true;
      return address;
    },
    async stop() {
      ready = false;
      await app.close();
    },
  };
}
