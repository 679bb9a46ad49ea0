import type { FastifyPluginAsync } from 'fastify';
import { dataReply } from './security-headers.ts';

export interface HealthOptions {
  isReady: () => boolean;
}

/** Liveness and readiness: open to anyone, never cached. */
export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (app, { isReady }) => {
  app.addHook('onSend', dataReply);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
};
