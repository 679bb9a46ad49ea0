import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Reason } from '@bastion/api';
import {
  cacheTiers,
  pageCsp,
  readBuiltCsp,
  securityHeaders,
  serializeCsp,
} from '@bastion/security';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Refuse } from './api-error.ts';

export interface SecurityHeadersOptions {
  /** The web root `bastion-security build` processed (its csp.txt), or null when serving the API only. */
  webRoot: string | null;
}

const dataSet = securityHeaders({ csp: null, hsts: false });

/**
 * The same header policy nginx applies, on every reply the server sends, errors and 404s
 * included: the whole set with the page CSP the build wrote, HSTS only over TLS, and `no-store`
 * unless a route chose its cache tier. Data routes (the API scopes, health, metrics) then drop
 * the CSP with `dataReply` (they are data, never a document). Exactly one CSP header per response.
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
    const page = securityHeaders({ csp, hsts: false });
    const pageTls = securityHeaders({ csp, hsts: true });
    app.addHook('onSend', async (req, reply) => {
      for (const [name, value] of req.protocol === 'https' ? pageTls : page) {
        reply.header(name, value);
      }
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', cacheTiers.api);
    });
  },
  { name: 'bastion-security-headers' },
);

/** onSend hook of data routes: no CSP (not a document) and never cached. */
export const dataReply: onSendAsyncHookHandler = async (_req, reply) => {
  reply.removeHeader('content-security-policy');
  reply.header('cache-control', cacheTiers.api);
};

/** What the router's own refusals mean, in the API's one vocabulary (anything else: internal). */
const FRAMEWORK_REASONS: Record<string, { reason: Reason; message: string }> = {
  FST_ERR_BAD_URL: { reason: 'invalid_input', message: 'The URL cannot be decoded' },
  // A tRPC batch naming more procedures than the path cap holds: 414, as the edge answers it.
  FST_ERR_MAX_PARAM_LENGTH: { reason: 'payload_too_large', message: 'Request URL too long' },
};

/**
 * Requests the router refuses before any route or hook (a URL it cannot decode, `/%zz`; a
 * parameter over its length cap): the data header set, and the refusal of the scope the URL names
 * (`refusalFor`: tRPC's body with `data.reason` on `/api`, OpenAI's on `/v1`), with the router's
 * status. No route matched, so the URL is all there is to choose the wording by; it decides no
 * guard.
 */
export function frameworkErrors(refusalFor: (url: string) => Refuse) {
  return (error: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    for (const [name, value] of dataSet) reply.header(name, value);
    const known = error.code ? FRAMEWORK_REASONS[error.code] : undefined;
    const { reason, message } = known ?? { reason: 'internal', message: 'Internal error' };
    if (!known) req.log.error({ err: error }, 'router failed');
    refusalFor(req.url)(reply, reason, message, {}, error.statusCode ?? 500);
  };
}

/**
 * Requests Node refuses before Fastify sees them (headers too large: 431, a malformed request:
 * 400, a request slower than the timeouts: 408) get the data header set too, instead of Node's
 * bare reply.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const body = JSON.stringify({ error: { message: STATUS_CODES[status], statusCode: status } });
  const headers = [
    ...dataSet,
    ['Cache-Control', cacheTiers.api],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Connection', 'close'],
  ];
  this.log.debug({ code: error.code }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
