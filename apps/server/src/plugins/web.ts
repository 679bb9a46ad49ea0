import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface WebOptions {
  root: string;
}

const HASHED_ASSET = /^\/assets\//;

function cacheControlFor(url: string, path: string): string {
  if (HASHED_ASSET.test(url)) return 'public, max-age=31536000, immutable';
  if (path.endsWith('.html')) return 'no-cache';
  return 'public, max-age=300';
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
    setHeaders(reply, path) {
      reply.header('cache-control', cacheControlFor(reply.request.url, path));
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (req.method !== 'GET' || path.startsWith('/api/') || path.includes('.')) {
      return reply.code(404).send({ error: 'not_found' });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
};
