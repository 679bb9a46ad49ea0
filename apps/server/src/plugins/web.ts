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
    setHeaders(reply) {
      const path = reply.request.url.split('?')[0] ?? '/';
      reply.header('cache-control', cacheTiers[cacheTierForPath(path)]);
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method !== 'GET' || path.startsWith('/api/') || path.includes('.')) {
      return reply.code(404).send({ error: 'not_found' });
    }
    // sendFile's setHeaders gives it the shell tier (its path has no extension).
    return reply.sendFile('index.html');
  });
};
