import { readFileSync } from 'node:fs';
import { openAIErrorBody, trpcErrorBody } from '@bastion/api';
import { createBastionClient } from '@bastion/api/client';
import {
  defaultAppLimits,
  EDGE_ERRORS,
  edgeErrorBodies,
  renderNginxConfig,
  upstreamReadTimeoutS,
} from '@bastion/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAG_LIMITS } from '../../../packages/api/src/rag/router.ts';
import { sendRaw, startTestEdge, type TestEdge } from './attack.ts';
import { startServer, testConfig } from './helpers.ts';

// Attacker pass 4, F7: the generated edge disagreed with the app it fronts — a search at the
// app's cap was refused (414), a refusal logged the query string, a long answer was cut at 75 s,
// its own errors were HTML on /v1, and its chat zone counted streams and cancels as questions.

const cjkSearch = (chars: number) =>
  `/api/trpc/rag.search?input=${encodeURIComponent(JSON.stringify({ query: '中'.repeat(chars) }))}`;

describe('the edge is derived from the app’s limits', () => {
  it('uses the server’s own defaults', () => {
    const config = testConfig();
    expect(defaultAppLimits).toEqual({
      llmTotalTimeoutMs: config.chat.timeouts.totalMs,
      chatPerMinute: config.security.rateLimits.chat?.max,
      queryChars: RAG_LIMITS.queryChars,
    });
    expect(config.security.rateLimits.chat?.windowMs).toBe(60_000);
    // The edge waits longer than the server may take for an answer.
    expect(upstreamReadTimeoutS(defaultAppLimits) * 1000).toBeGreaterThan(
      config.chat.timeouts.totalMs,
    );
    const rendered = renderNginxConfig({
      upstream: '127.0.0.1:1',
      root: '/srv',
      listen: '8080',
      csp: "default-src 'none'",
      prefix: '/tmp/x',
      app: { llmTotalTimeoutMs: 600_000, chatPerMinute: 5 },
    });
    expect(rendered).toContain('proxy_read_timeout 615s;');
    expect(rendered).not.toMatch(/proxy_read_timeout (?!615s)/);
    expect(rendered).toContain('zone=bastion_chat:10m rate=5r/m;');
  });

  it('answers its own errors in the bodies the server gives for the same reason', () => {
    for (const error of EDGE_ERRORS) {
      const bodies = edgeErrorBodies(error, 2);
      const trpc = trpcErrorBody(error.reason, error.message, { retryAfterMs: 2000 }).body;
      expect(JSON.parse(bodies.trpc)).toEqual({
        error: { ...trpc.error, data: { ...trpc.error.data, httpStatus: error.status } },
      });
      expect(JSON.parse(bodies.openai).error).toMatchObject({
        ...openAIErrorBody(error.reason, error.message).body.error,
        type: error.openai,
      });
    }
  });
});

describe('through the generated nginx', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let edge: TestEdge;
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_API: 'off',
      RATE_LIMIT_CHAT: 'off',
      DISABLE_PRIMARY: '1',
    });
    // One new answer a minute, no burst: the second is the edge's to refuse.
    edge = await startTestEdge(new URL(server.url).host, {
      limits: { chatRate: '1r/m', chatBurst: 0 },
    });
  }, 60_000);
  afterAll(async () => {
    await edge?.stop();
    await server?.stop();
  });

  // F1: the plain edge behind a TLS terminator (TLS.md option 1) replaced its
  // `X-Forwarded-Proto: https` with its own hop's http, and cookies lost Secure and __Host-.
  it('passes a terminator’s https on, so cookies stay __Host- and Secure; never downgrades', async () => {
    const cookieOf = async (proto: string) => {
      const reply = await sendRaw(edge.url, {
        method: 'GET',
        path: '/api/trpc/session.whoami',
        headers: { 'x-forwarded-proto': proto },
      });
      return String(reply.headers['set-cookie'] ?? '');
    };
    expect(await cookieOf('https')).toMatch(/^__Host-bastion_caller=[\w-]{43};.*Secure/);
    // This hop is plain HTTP: any other claim leaves the scheme as the edge saw it.
    for (const proto of ['http', 'ftp', 'https, http']) {
      expect(await cookieOf(proto)).toMatch(/^bastion_caller=/);
    }
  });

  it('passes a search at the app’s cap of CJK characters, directly and through the edge', async () => {
    const path = cjkSearch(RAG_LIMITS.queryChars);
    expect((await sendRaw(server.url, { method: 'GET', path })).status).toBe(200);
    expect((await sendRaw(edge.url, { method: 'GET', path })).status).toBe(200);
  });

  it('passes searches at the cap made at once by the typed client, which batches within it', async () => {
    const client = createBastionClient({ url: edge.url });
    const query = '中'.repeat(RAG_LIMITS.queryChars);
    const results = await Promise.all(
      Array.from({ length: 3 }, () => client.rag.search.query({ query })),
    );
    expect(results.map((r) => Array.isArray(r.hits))).toEqual([true, true, true]);
  });

  it('counts only new answers against its chat zone, and answers 429 in the surface’s shape', async () => {
    const start = () =>
      sendRaw(edge.url, {
        method: 'POST',
        path: '/api/trpc/chat.start',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await start()).status).not.toBe(429);
    // Following, resuming and cancelling streams costs nothing at the edge.
    const id = '52cd796d-b93c-4cb5-8a1d-75ff91b97ea3';
    for (let i = 0; i < 3; i++) {
      const stream = await sendRaw(edge.url, {
        method: 'GET',
        path: `/api/trpc/chat.stream?input=${encodeURIComponent(JSON.stringify({ requestId: id }))}`,
      });
      expect(stream.status).not.toBe(429);
      const cancel = await sendRaw(edge.url, {
        method: 'POST',
        path: '/api/trpc/chat.cancel',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ requestId: id }),
      });
      expect(cancel.status).not.toBe(429);
    }
    const limited = await start();
    expect(limited).toMatchObject({ status: 429, reason: 'rate_limited' });
    // One answer a minute refills in 60 s: Retry-After says so.
    expect(limited.headers['retry-after']).toBe('60');
    expect(JSON.parse(limited.body).error.data.retryAfterMs).toBe(60_000);

    const v1 = await sendRaw(edge.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bastion', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(v1.status).toBe(429);
    expect(v1.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(v1.body)).toEqual({
      error: {
        message: 'Too many requests; retry later',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limited',
      },
    });
  });

  it('answers a too-large body in OpenAI’s shape on /v1 and tRPC’s on /api', async () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] });
    const headers = { 'content-type': 'application/json' };
    const v1 = await sendRaw(edge.url, { method: 'POST', path: '/v1/embeddings', headers, body });
    expect(v1.status).toBe(413);
    expect(JSON.parse(v1.body).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'payload_too_large',
    });
    const api = await sendRaw(edge.url, {
      method: 'POST',
      path: '/api/trpc/feedback.submit',
      headers,
      body,
    });
    expect(api).toMatchObject({ status: 413, reason: 'payload_too_large' });
  });

  it('answers a URL past any cap with 414 in JSON, and never logs a query string', async () => {
    const tooLong = await sendRaw(edge.url, { method: 'GET', path: cjkSearch(10_000) });
    expect(tooLong).toMatchObject({ status: 414, reason: 'payload_too_large' });
    const log = readFileSync(edge.errorLog, 'utf8');
    // The refusals above (429, 413, 414) left no request line with its query in the log.
    expect(log).not.toContain('limiting requests');
    expect(log).not.toMatch(/\?input=/);
  });
});
