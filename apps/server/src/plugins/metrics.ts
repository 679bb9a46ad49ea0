import { cacheTiers } from '@bastion/security';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

export interface MetricsOptions {
  registry: Registry;
}

/** Prometheus text at /metrics (never proxied by the edge). */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, { registry }) => {
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType).header('cache-control', cacheTiers.api);
    return registry.metrics();
  });
};
