import type { FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiKey } from '../config/security.ts';
import { refusePlain } from './api-error.ts';
import { actorOf, identifyCaller } from './auth.ts';
import type { KeyGuesses } from './key-guesses.ts';
import { dataReply } from './security-headers.ts';

export interface MetricsOptions {
  registry: Registry;
  keys: readonly ApiKey[];
  /** Refused keys cost from the address's key budget here too. */
  keyGuesses: KeyGuesses;
}

/** With any key configured, only an admin key may read the metrics. */
function adminOnly(keys: readonly ApiKey[]): onRequestAsyncHookHandler {
  return async (req, reply) => {
    if (keys.length === 0 || actorOf(req).role === 'admin') return;
    return actorOf(req).keyId
      ? refusePlain(reply, 'admin_required', 'An admin API key is required')
      : refusePlain(reply, 'unauthenticated', 'An admin API key is required');
  };
}

/**
 * Prometheus text at /metrics (never proxied by the edge). The guards belong to the route, so
 * every spelling the router maps to it meets them.
 */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (
  app,
  { registry, keys, keyGuesses },
) => {
  app.get(
    '/metrics',
    {
      onRequest: [
        identifyCaller({ keys, sessions: null, refuse: refusePlain, keyGuesses, publicTls: false }),
        adminOnly(keys),
      ],
      onSend: dataReply,
    },
    async (_req, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
};
