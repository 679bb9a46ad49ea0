import type { FastifyReply } from 'fastify';

const TRPC_CODES: Record<number, { name: string; jsonRpc: number }> = {
  401: { name: 'UNAUTHORIZED', jsonRpc: -32001 },
  403: { name: 'FORBIDDEN', jsonRpc: -32003 },
  429: { name: 'TOO_MANY_REQUESTS', jsonRpc: -32029 },
};

/**
 * Refuses a request before it reaches tRPC, with the body tRPC itself would send, so the typed
 * client surfaces the same stable `data.reason` as for errors raised inside procedures.
 */
export function refuse(
  reply: FastifyReply,
  status: 401 | 403 | 429,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const code = TRPC_CODES[status]!;
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send({
      error: {
        message,
        code: code.jsonRpc,
        data: { code: code.name, httpStatus: status, reason, ...extra },
      },
    });
}

/** Paths of the programmatic API (tRPC, the status mirror, the OpenAI-compatible façade). */
export function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/v1/');
}
