import { httpStatusOf, openAIErrorBody, type Reason, trpcErrorBody } from '@bastion/api';
import type { FastifyReply } from 'fastify';

/**
 * Refuses a request before it reaches a handler, in the error style of the surface it was sent
 * to: the scope that registers a guard passes the matching one, so a guard never looks at a URL to
 * decide how to answer.
 */
export type Refuse = (
  reply: FastifyReply,
  reason: Reason,
  message: string,
  extra?: Record<string, unknown>,
  /** The HTTP status when it is not the reason's own (a URL too long: 414, as the edge says). */
  status?: number,
) => FastifyReply;

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(body);
}

/** tRPC's own error body, so the typed client surfaces the same stable `data.reason`. */
export const refuseTrpc: Refuse = (reply, reason, message, extra = {}, status) => {
  const refusal = trpcErrorBody(reason, message, status ? { ...extra, httpStatus: status } : extra);
  return send(reply, status ?? refusal.status, refusal.body);
};

/** OpenAI's error body (`{ error: { message, type, param, code } }`), for `/v1`. */
export const refuseOpenAI: Refuse = (reply, reason, message, _extra, status) => {
  const refusal = openAIErrorBody(reason, message);
  return send(reply, status ?? refusal.status, refusal.body);
};

/**
 * One line of plain text (`message [reason]`), for `/metrics`: a Prometheus scraper logs the
 * status and body of a failed scrape, and neither it nor a person reading it speaks tRPC.
 */
export const refusePlain: Refuse = (reply, reason, message, _extra, status) =>
  reply
    .code(status ?? httpStatusOf(reason))
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(`${message} [${reason}]\n`);
