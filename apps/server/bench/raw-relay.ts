// The baselines: the thinnest Fastify SSE relays of the same fake provider (no tRPC, no guardrails,
// no retrieval), run as their own process: `node raw-relay.ts <port> <providerBaseURL>`.
// `/relay` reads the upstream with fetch and a hand-rolled SSE split; `/relay-sdk` reads it with
// the openai SDK, the client Bastion must use for every model call. `POST /start` + `GET
// /follow/:id` is `/relay` in two requests, as `chat.start` + `chat.stream` are: what the
// two-request design costs by itself.
import { randomUUID } from 'node:crypto';
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

const upstreamAnswer = () =>
  fetch(`${provider}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'q' }],
    }),
  });

/** The relay's SSE frames of one upstream answer, ending with `done`. */
async function* frames(upstream: Response): AsyncGenerator<string> {
  let seq = 0;
  for await (const data of sseData(upstream.body!)) {
    if (data === '[DONE]') continue;
    const text = JSON.parse(data).choices?.[0]?.delta?.content;
    if (text) yield `id: ${seq++}\ndata: ${JSON.stringify({ type: 'delta', text })}\n\n`;
  }
  yield `data: ${JSON.stringify({ type: 'done' })}\n\n`;
}

app.get('/relay', async (req, reply) => {
  const upstream = await upstreamAnswer();
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  req.raw.on('close', () => void upstream.body?.cancel());
  for await (const frame of frames(upstream)) reply.raw.write(frame);
  reply.raw.end();
});

/** Answers started by `POST /start`: their frames so far, and whether the last one came. */
const runs = new Map<string, { frames: string[]; done: boolean; wake: () => void }>();

app.post('/start', async () => {
  const id = randomUUID();
  const run = { frames: [] as string[], done: false, wake: () => {} };
  runs.set(id, run);
  void (async () => {
    for await (const frame of frames(await upstreamAnswer())) {
      run.frames.push(frame);
      run.wake();
    }
    run.done = true;
    run.wake();
  })();
  return { id };
});

app.get<{ Params: { id: string } }>('/follow/:id', async (req, reply) => {
  const run = runs.get(req.params.id);
  if (!run) return reply.code(404).send();
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  for (let sent = 0; ; ) {
    while (sent < run.frames.length) reply.raw.write(run.frames[sent++]);
    if (run.done) break;
    await new Promise<void>((resolve) => (run.wake = resolve));
  }
  reply.raw.end();
  runs.delete(req.params.id);
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
