import { type ApiDeps, type AppRouter, appRouter, type Context, statusSummary } from '@bastion/api';
import { cacheTiers } from '@bastion/security';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from './auth.ts';

export interface ApiOptions {
  deps: ApiDeps;
}

/** `/api/*`: the tRPC endpoint and the plain-JSON status mirror for monitors. */
export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (app, { deps }) => {
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', cacheTiers.api);
  });

  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router: appRouter,
    createContext: ({ req }): Context => ({
      deps,
      requestId: req.id,
      actor: actorOf(req),
    }),
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        req.log.error({ path, err: error.cause ?? error }, 'procedure failed');
      }
    },
  };
  await app.register(fastifyTRPCPlugin, { prefix: '/api/trpc', trpcOptions });

  app.get('/api/status/summary', async () => statusSummary(deps));
};
