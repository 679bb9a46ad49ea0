// The baselines: the thinnest Fastify SSE relays of the same fake provider (no tRPC, no guardrails,
// no retrieval), run as their own process: `node raw-relay.ts <port> <providerBaseURL>`.
// `/relay` reads the upstream with fetch and a hand-rolled SSE split; `/relay-sdk` reads it with
// the openai SDK, the client Bastion must use for every model call.
import Fastify from 'fastify';
import OpenAI from 'openai';
import { sseData } from './sse-data.ts';

const [port = '0', provider = ''] = process.argv.slice(2);
const app = Fastify();
const openai = new OpenAI({ baseURL: provider, apiKey: 'no-key', maxRetries: 0 });

app.get('/relay-sdk', async (req, reply) => {
  const controller = new AbortController();
  req.raw.on('close', () => controller.abort());
  const stream = await openai.chat.completions.create(
    { model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'q' }] },
    { signal: controller.signal },
  );
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  let seq = 0;
  for await (const chunk of stream) {
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) reply.raw.write(`id: ${seq++}\ndata: ${JSON.stringify({ type: 'delta', text })}\n\n`);
  }
  reply.raw.end(`data: ${JSON.stringify({ type: 'done' })}\n\n`);
});

app.get('/healthz', async () => ({ ok: true }));

app.get('/relay', async (req, reply) => {
  const upstream = await fetch(`${provider}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'q' }],
    }),
  });
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  let seq = 0;
  req.raw.on('close', () => void upstream.body?.cancel());
  for await (const data of sseData(upstream.body!)) {
    if (data === '[DONE]') continue;
    const text = JSON.parse(data).choices?.[0]?.delta?.content;
    if (text) reply.raw.write(`id: ${seq++}\ndata: ${JSON.stringify({ type: 'delta', text })}\n\n`);
  }
  reply.raw.end(`data: ${JSON.stringify({ type: 'done' })}\n\n`);
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
