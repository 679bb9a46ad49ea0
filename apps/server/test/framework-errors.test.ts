import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from './attack.ts';
import { startServer } from './helpers.ts';

// Requests the router refuses before any route matched answer in the API's vocabulary too.
describe('a request the router refuses', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('answers a tRPC batch past the path cap in tRPC’s shape, 414 as the edge does', async () => {
    const batch = Array(19).fill('rag.search').join(',');
    const reply = await sendRaw(server.url, { method: 'GET', path: `/api/trpc/${batch}?batch=1` });
    expect(reply.status).toBe(414);
    expect(JSON.parse(reply.body).error).toMatchObject({
      message: 'Request URL too long',
      data: { reason: 'payload_too_large', httpStatus: 414, retryable: false },
    });
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-security-policy']).toBeUndefined();
  });

  it('answers a URL it cannot decode in the shape of the scope the URL names', async () => {
    const v1 = await sendRaw(server.url, { method: 'GET', path: '/v1/models%zz' });
    expect(v1.status).toBe(400);
    expect(JSON.parse(v1.body).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_input',
    });
    for (const path of ['/api/trpc/%zz', '/%zz']) {
      const reply = await sendRaw(server.url, { method: 'GET', path });
      expect(reply.status, path).toBe(400);
      expect(reply.reason, path).toBe('invalid_input');
      expect(reply.body).not.toContain('FST_ERR');
    }
  });
});
