import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { brotliCompressSync } from 'node:zlib';
import { type BastionClient, createBastionClient } from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAnswer, startServer } from './helpers.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };

/**
 * A primary model server that answers every chat request with `answer` (raw bytes, then closes),
 * whatever HTTP it breaks; the model list is answered properly.
 */
async function startRawProvider() {
  const provider = { answer: '' as string | Buffer, completions: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (data) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      if (head.startsWith('GET')) {
        const models = JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] });
        socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${models.length}\r\n\r\n${models}`);
      } else {
        provider.completions += 1;
        socket.end(provider.answer);
      }
      head = '';
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  };
  return {
    provider,
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close,
  };
}

describe('chat with a primary model server that breaks HTTP', () => {
  let raw: Awaited<ReturnType<typeof startRawProvider>>;
  let fallback: FakeOpenAI;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: BastionClient;

  beforeAll(async () => {
    raw = await startRawProvider();
    fallback = await startFakeOpenAI({
      models: ['gpt-fake'],
      defaultScenario: { tokens: ['From ', 'the ', 'fallback.'] },
    });
    server = await startServer({
      PRIMARY_BASE_URL: raw.baseURL,
      PRIMARY_MODEL: 'm',
      FALLBACK_BASE_URL: fallback.baseURL,
      FALLBACK_MODEL: 'gpt-fake',
      OPENAI_API_KEY: 'sk-test-fallback',
      LLM_BREAKER_THRESHOLD: '100',
    });
    client = createBastionClient({ url: server.url });
  });
  afterAll(async () => {
    await server.stop();
    await raw.close();
    await fallback.close();
  });

  // A body of 64 MiB on one line that never ends, sent as a few bytes of brotli nobody asked for
  // (the transport's own tests check that it is refused unread).
  const bomb = Buffer.concat([
    Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: br\r\n'),
    ((body) => Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]))(
      brotliCompressSync(Buffer.alloc(64 << 20, 'a')),
    ),
  ]);

  it.each([
    ['a status above 599', 'HTTP/1.1 600 Nope\r\nContent-Length: 0\r\n\r\n'],
    ['a status of 999', 'HTTP/1.1 999 Nope\r\nContent-Length: 0\r\n\r\n'],
    ['a reason phrase with DEL', 'HTTP/1.1 503 \x7f\r\nContent-Length: 0\r\n\r\n'],
    ['a compressed body it never asked for', bomb],
  ])('answers from the fallback on %s, and keeps serving', async (_name, answer) => {
    raw.provider.answer = answer;
    const before = raw.provider.completions;
    const events = await collectAnswer(client, QUESTION);
    expect(raw.provider.completions).toBe(before + 1);
    expect(events[0]).toMatchObject({ type: 'meta', servedBy: 'fallback' });
    expect(events.at(-1)).toMatchObject({ type: 'done', servedBy: 'fallback' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
