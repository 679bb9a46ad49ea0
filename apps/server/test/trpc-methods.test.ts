import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from './attack.ts';
import { startServer } from './helpers.ts';

// Attacker pass 4, F4: tRPC's route takes every method, and the Request it builds refuses some
// (TRACE), which came back as a 500 with an error log and its stack.

describe('methods on the tRPC route', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const logs: string[] = [];
  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    server = await startServer({ LOG_LEVEL: 'info', DISABLE_PRIMARY: '1' }, { logStream });
  });
  afterAll(() => server.stop());

  it('answers 405 with Allow for anything but GET and POST, and logs no error', async () => {
    for (const method of ['TRACE', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
      // (Sent as JSON: a body method without it is refused 415 by the scope's media-type guard.)
      const res = await sendRaw(server.url, {
        method,
        path: '/api/trpc/session.whoami',
        headers: { 'content-type': 'application/json' },
      });
      expect({ method, status: res.status }).toEqual({ method, status: 405 });
      expect(res.headers.allow).toBe('GET, POST');
      if (method !== 'HEAD') expect(res.reason).toBe('method_not_supported');
    }
    expect(
      (await sendRaw(server.url, { method: 'GET', path: '/api/trpc/session.whoami' })).status,
    ).toBe(200);
    expect(
      logs
        .join('')
        .split('\n')
        .filter((line) => line.includes('"level":50')),
    ).toEqual([]);
  });
});
