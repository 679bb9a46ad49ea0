import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers the next chat completion. Faults are scripted per scenario. */
export interface FakeScenario {
  /** Content chunks to stream (default: a short deterministic answer). */
  tokens?: string[];
  /** Delay before the first content chunk, ms. */
  firstTokenDelayMs?: number;
  /** Delay between content chunks, ms. */
  tokenDelayMs?: number;
  /** Destroy the socket after this many content chunks. */
  dropAfter?: number;
  /** Stop sending (keep the socket open) after this many content chunks. */
  stallAfter?: number;
  /** Answer with this HTTP status instead of streaming. */
  status?: number;
  /** `retry-after` header (seconds) sent with `status`. */
  retryAfterS?: number;
  /** Send a chunk that is not JSON after this many content chunks. */
  malformedAfter?: number;
  /** Usage chunk style: `choices: []` (OpenAI) or `choices: null` (some servers). */
  usageChoices?: 'empty' | 'null' | 'none';
  /** Refuse the TCP connection outright (the server closes the socket immediately). */
  refuse?: boolean;
  /**
   * A prompt-leaking model: after the first token, repeat what `pattern` matches in the system
   * prompt, split in two deltas at `splitAt`.
   */
  leak?: { pattern: string; splitAt: number };
}

export interface FakeRequestRecord {
  id: number;
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  authorization: string | null;
  startedAt: number;
  /** When the client went away before the response finished (abort), else null. */
  abortedAt: number | null;
  finishedAt: number | null;
}

export interface FakeOpenAI {
  url: string;
  /** `${url}/v1`, what the openai SDK wants as baseURL. */
  baseURL: string;
  requests: FakeRequestRecord[];
  /** Scenarios consumed in order by the next completions; then `defaultScenario`. */
  queue: FakeScenario[];
  defaultScenario: FakeScenario;
  /** Models `GET /v1/models` lists. */
  models: string[];
  pulls: string[];
  close: () => Promise<void>;
}

export const DEFAULT_TOKENS = ['Bastion ', 'is ', 'a ', 'hardened ', 'assistant', '.'];

export interface FakeOpenAIOptions {
  port?: number;
  host?: string;
  models?: string[];
  defaultScenario?: FakeScenario;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sse(res: ServerResponse, payload: unknown): boolean {
  return res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** An OpenAI-compatible chat server with scripted faults; records every request it sees. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const state = {
    requests: [] as FakeRequestRecord[],
    queue: [] as FakeScenario[],
    defaultScenario: options.defaultScenario ?? {},
    models: options.models ?? ['fake-model'],
    pulls: [] as string[],
  };
  let nextId = 1;
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: state.models.map((id) => ({ id, object: 'model' })),
        }),
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/pull') {
      const body = await readJson(req);
      state.pulls.push(String(body.model ?? body.name ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success' }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/__fake/scenario') {
      // Lets out-of-process users (e2e, benchmarks) script the next answers.
      const body = (await readJson(req)) as {
        queue?: FakeScenario[];
        default?: FakeScenario;
        models?: string[];
      };
      if (body.queue) state.queue.push(...body.queue);
      if (body.default) state.defaultScenario = body.default;
      if (body.models) state.models = body.models;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__fake/requests') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state.requests.map(({ messages: _m, ...rest }) => rest)));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      await completion(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found' } }));
  });

  async function completion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const scenario = state.queue.shift() ?? state.defaultScenario;
    const record: FakeRequestRecord = {
      id: nextId++,
      model: String(body.model ?? ''),
      stream: body.stream === true,
      messages: (body.messages as FakeRequestRecord['messages']) ?? [],
      authorization: req.headers.authorization ?? null,
      startedAt: Date.now(),
      abortedAt: null,
      finishedAt: null,
    };
    state.requests.push(record);
    res.on('close', () => {
      if (record.finishedAt === null) record.abortedAt = Date.now();
    });
    if (scenario.refuse) {
      req.socket.destroy();
      return;
    }
    if (!state.models.includes(record.model)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `model "${record.model}" not found`, type: 'not_found_error' },
        }),
      );
      record.finishedAt = Date.now();
      return;
    }
    if (scenario.status) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (scenario.retryAfterS !== undefined) headers['retry-after'] = String(scenario.retryAfterS);
      res.writeHead(scenario.status, headers);
      res.end(JSON.stringify({ error: { message: `scripted ${scenario.status}` } }));
      record.finishedAt = Date.now();
      return;
    }
    const tokens = [...(scenario.tokens ?? DEFAULT_TOKENS)];
    if (scenario.leak) {
      const system = record.messages.find((m) => m.role === 'system')?.content ?? '';
      const leaked = new RegExp(scenario.leak.pattern).exec(system)?.[0] ?? '';
      tokens.splice(
        1,
        0,
        leaked.slice(0, scenario.leak.splitAt),
        leaked.slice(scenario.leak.splitAt),
      );
    }
    const base = {
      id: `chatcmpl-${record.id}`,
      object: 'chat.completion.chunk',
      created: 0,
      model: record.model,
    };
    if (!record.stream) {
      await sleep(scenario.firstTokenDelayMs ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: tokens.join('') },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: 10,
            completion_tokens: tokens.length,
            total_tokens: 10 + tokens.length,
          },
        }),
      );
      record.finishedAt = Date.now();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    sse(res, {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    if (scenario.firstTokenDelayMs) await sleep(scenario.firstTokenDelayMs);
    for (let i = 0; i < tokens.length; i++) {
      if (res.destroyed) return;
      if (i === scenario.dropAfter) {
        // Let what was sent reach the client, then cut the connection mid-answer.
        await sleep(20);
        req.socket.destroy();
        return;
      }
      if (i === scenario.stallAfter) return; // keeps the socket open, sends nothing more
      if (i === scenario.malformedAfter) sse(res, '{"choices": [ this is not json');
      if (i > 0 && scenario.tokenDelayMs) await sleep(scenario.tokenDelayMs);
      sse(res, {
        ...base,
        choices: [{ index: 0, delta: { content: tokens[i] }, finish_reason: null }],
      });
    }
    sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const usage = {
      prompt_tokens: 10,
      completion_tokens: tokens.length,
      total_tokens: 10 + tokens.length,
    };
    if (scenario.usageChoices !== 'none') {
      sse(res, { ...base, choices: scenario.usageChoices === 'null' ? null : [], usage });
    }
    sse(res, '[DONE]');
    record.finishedAt = Date.now();
    res.end();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    get requests() {
      return state.requests;
    },
    get queue() {
      return state.queue;
    },
    get defaultScenario() {
      return state.defaultScenario;
    },
    set defaultScenario(s: FakeScenario) {
      state.defaultScenario = s;
    },
    get models() {
      return state.models;
    },
    set models(m: string[]) {
      state.models = m;
    },
    get pulls() {
      return state.pulls;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  } as FakeOpenAI;
}
