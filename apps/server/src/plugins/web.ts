import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheTierForPath, cacheTiers } from '@bastion/security';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface WebOptions {
  root: string;
}

/** Serves the built web app; unknown non-API paths get the HTML shell. */
export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, { root }) => {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web app not built; serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    index: ['index.html'],
    cacheControl: false,
    dotfiles: 'deny',
    // One route per built file, not a catch-all: unknown paths reach the not-found handler of the
    // scope they fall in (an unknown `/api/...` gets the API's 404, not the page).
    wildcard: false,
    setHeaders(reply) {
      const path = reply.request.url.split('?')[0] ?? '/';
      reply.header('cache-control', cacheTiers[cacheTierForPath(path)]);
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Unknown paths under /api, /v1 never get here: their scopes answer them.
    if (req.method !== 'GET' || path.includes('.')) {
      return reply.code(404).send({ error: 'not_found' });
    }
    // sendFile's setHeaders gives it the shell tier (its path has no extension).
    return reply.sendFile('index.html');
  });
};
