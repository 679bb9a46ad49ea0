import type { ProxyOptions } from 'vite';

/**
 * How `vite` (the dev server) forwards `/api` to a Bastion server.
 *
 * The server refuses any Origin that is neither listed (ALLOWED_ORIGINS) nor its own, and the
 * proxy sends the Host of the server (`changeOrigin`) with the Origin of the page, so every POST
 * of the page was refused. A request that the page made of its own origin (Origin's host equals
 * the Host it reached Vite with) is the page talking to its API, so its Origin becomes the
 * server's own; any other Origin is forwarded unchanged and refused by the server as before. The
 * server's guard stays as strict as in production, and no dev origin needs listing.
 */
export function apiProxy(target: string): ProxyOptions {
  const targetOrigin = new URL(target).origin;
  return {
    target,
    changeOrigin: true,
    configure(proxy) {
      proxy.on('proxyReq', (proxyReq, req) => {
        const origin = req.headers.origin;
        if (origin !== undefined && sameHost(origin, req.headers.host)) {
          proxyReq.setHeader('origin', targetOrigin);
        }
      });
    },
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
