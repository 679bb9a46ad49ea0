import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { compile } from '@fastify/proxy-addr';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request id of every log line and reply: the one a trusted proxy sent (TRUST_PROXY, the
 * peers Fastify takes X-Forwarded-For from; the edge always sets X-Request-Id) when it is
 * well-formed, otherwise a fresh one. Any other peer's header is ignored, so a client cannot
 * choose the id its requests are logged under (to collide with, or impersonate, another's).
 */
export function requestIds(trustProxy: string | false): (req: IncomingMessage) => string {
  // As Fastify reads TRUST_PROXY: a comma list of proxy-addr names, addresses and CIDRs.
  const trusted = trustProxy ? compile(trustProxy.split(',').map((entry) => entry.trim())) : null;
  return (req) => {
    const incoming = req.headers['x-request-id'];
    const peer = req.socket.remoteAddress;
    const fromProxy = trusted !== null && peer !== undefined && trusted(peer, 0);
    return fromProxy && typeof incoming === 'string' && SAFE_ID.test(incoming)
      ? incoming
      : randomUUID();
  };
}
