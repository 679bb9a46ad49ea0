import { isIP } from 'node:net';
import fp from 'fastify-plugin';

export interface HostOptions {
  /** ALLOWED_HOSTS (lower case, no port). */
  allowedHosts: readonly string[];
  /** The listen address (HOST); a wildcard address names no host. */
  listenHost: string;
}

/** Names a browser can only send for this machine itself, so a rebinding site can never use them. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The host name of a `Host` header: no port, no brackets, no trailing dot, lower case. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1] ?? null;
  if (isIP(value) === 6) return value;
  const name = /^([^:]+)(?::\d+)?$/.exec(value)?.[1];
  return name ? name.replace(/\.$/, '') : null;
}

/**
 * DNS rebinding: a site whose name an attacker points at this server afterwards reads it with
 * the visitor's browser, sending its own name as `Host`. Only names this server is known by are
 * answered (every route, the page included); any other gets 421 before routing.
 */
export const hostPlugin = fp<HostOptions>(
  async (app, { allowedHosts, listenHost }) => {
    const allowed = new Set([
      ...LOOPBACK,
      ...allowedHosts,
      ...(WILDCARD.has(listenHost) ? [] : [listenHost.toLowerCase()]),
    ]);
    app.addHook('onRequest', async (req, reply) => {
      const name = hostName(req.headers.host);
      if (name !== null && allowed.has(name)) return;
      return reply
        .code(421)
        .type('application/json; charset=utf-8')
        .send({
          error: {
            message: 'This server does not answer to that host name (ALLOWED_HOSTS)',
            reason: 'host_not_allowed',
          },
        });
    });
  },
  { name: 'bastion-host' },
);
