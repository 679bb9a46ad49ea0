import type { FastifyRequest } from 'fastify';

/**
 * Pino options that keep credentials and chat content out of the logs: credential headers are
 * censored wherever they appear, and request lines are logged without their query string
 * (tRPC subscriptions carry the conversation in it).
 */
export const logRedaction = {
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers["proxy-authorization"]',
      'req.headers.cookie',
      'req.headers["x-api-key"]',
      'res.headers["set-cookie"]',
      '*.apiKey',
      '*.password',
      '*.secret',
    ],
    censor: '[redacted]',
  },
  serializers: {
    req: (req: FastifyRequest) => ({
      method: req.method,
      url: req.url.split('?')[0],
      remoteAddress: req.ip,
    }),
  },
};
