import { pageCsp, readBuiltCsp, securityHeaders, serializeCsp } from '@bastion/security';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** The web root `bastion-security build` processed (its csp.txt), or null when serving the API only. */
  webRoot: string | null;
}

const NON_PAGE = /^\/(?:api\/|v1\/|healthz$|readyz$|metrics$)/;

/**
 * The same header policy nginx applies: the page and its files get the whole set with the CSP
 * the build wrote; API responses get the set without a CSP (they are data, never a document).
 * Exactly one CSP header per response. HSTS only when the request arrived over TLS.
 */
export const securityHeadersPlugin = fp<SecurityHeadersOptions>(
  async (app, { webRoot }) => {
    const built = webRoot ? readBuiltCsp(webRoot) : null;
    if (webRoot && !built) {
      app.log.warn(
        { webRoot },
        'no csp.txt beside the web app (run bastion-security build); scripts are blocked',
      );
    }
    // Without a secured build, no script is trusted: the page degrades instead of running unchecked code.
    const csp = built ?? serializeCsp(pageCsp({ scriptHashes: [] }));
    const sets = {
      page: securityHeaders({ csp, hsts: false }),
      pageTls: securityHeaders({ csp, hsts: true }),
      api: securityHeaders({ csp: null, hsts: false }),
      apiTls: securityHeaders({ csp: null, hsts: true }),
    };
    app.addHook('onRequest', async (req, reply) => {
      const tls = req.protocol === 'https';
      const page = !NON_PAGE.test(req.url);
      const set = page ? (tls ? sets.pageTls : sets.page) : tls ? sets.apiTls : sets.api;
      for (const [name, value] of set) reply.header(name, value);
    });
  },
  { name: 'bastion-security-headers' },
);
