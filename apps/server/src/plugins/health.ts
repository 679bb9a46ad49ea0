import { cacheTiers } from '@bastion/security';
import type { FastifyPluginAsync } from 'fastify';

export interface HealthOptions {
  isReady: () => boolean;
}

export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, { isReady }) => {
  app.get('/healthz', async (_req, reply) => {
    reply.header('cache-control', cacheTiers.api);
    return { ok: true };
  });
  app.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', cacheTiers.api);
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
};
