import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

// A tRPC batch is several calls in one request: each call is admitted or refused on its own, so
// one call the caller may not make (or may not make any more) does not take its siblings down.

type BatchReply = { result?: unknown; error?: { data: { reason: string } } }[];

describe('batched calls are admitted one by one', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      API_KEYS: 'u1:user-secret-0123456789abcdef',
      PUBLIC_CHAT: '1',
      DISABLE_PRIMARY: '1',
      RATE_LIMIT_API: 'off',
    });
  });
  afterAll(() => server.stop());

  const batch = async (paths: string[], inputs: Record<number, unknown> = {}) => {
    const input = encodeURIComponent(JSON.stringify(inputs));
    const res = await fetch(`${server.url}/api/trpc/${paths.join(',')}?batch=1&input=${input}`);
    const body = (await res.json()) as BatchReply | { error: { data: { reason: string } } };
    // A request refused as a whole answers one error for all of its calls.
    return Array.isArray(body) ? body : paths.map(() => body);
  };
  const reasons = (replies: BatchReply) => replies.map((r) => r.error?.data.reason ?? 'ok');

  it('an anonymous visitor gets what it may read beside a refusal for what needs a key', async () => {
    const replies = await batch(['rag.collections', 'status.summary', 'session.whoami']);
    expect(reasons(replies)).toEqual(['ok', 'unauthenticated', 'ok']);
  });

  it('refuses a request whose every call needs a key as a whole, with the auth challenge', async () => {
    const res = await fetch(`${server.url}/api/trpc/status.summary,rag.documents?batch=1&input={}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('a spent page-writes budget refuses page writes only', async () => {
    const post = (path: string) =>
      fetch(`${server.url}/api/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId: '00000000-0000-4000-8000-000000000000', token: 'x' }),
      });
    let status = 0;
    for (let i = 0; i < 70 && status !== 429; i++) status = (await post('feedback.submit')).status;
    expect(status).toBe(429);
    const visitor = { visitorId: '00000000-0000-4000-8000-000000000001' };
    const replies = await batch(['rag.collections', 'analytics.export', 'session.whoami'], {
      1: visitor,
    });
    expect(reasons(replies)).toEqual(['ok', 'rate_limited', 'ok']);
  });
});
