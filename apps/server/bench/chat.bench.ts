// Chat streaming overhead: `chat.start` + `chat.stream` (tRPC SSE through the whole pipeline) and
// the OpenAI-compatible `/v1/chat/completions` façade against a raw Fastify SSE relay of the same
// fake provider, read by the same SSE client, in one run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBastionClient, streamChat } from '@bastion/api/client';
import { cpuMs, peakRssMb } from './proc.ts';
import { sseData } from './sse-data.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const PORTS = { fake: 18_901, server: 18_902, relay: 18_903 };
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 500);
/** Answers per path for the CPU an answer costs (10 ms ticks: 200 answers read it to a few %). */
const CPU_ANSWERS = 200;
/**
 * `--ttft`: time to first token and the CPU an answer costs only (no per-token, abort or
 * concurrency sections), a quick re-measure of the figures a busy machine moves most.
 */
const TTFT_ONLY = process.argv.includes('--ttft');

/** Starts a child process and resolves once `readyURL` answers. */
async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyURL: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 300; i++) {
    if (exited) throw new Error(`${args[0]} exited early`);
    if (
      await fetch(readyURL).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${args[0]} never became ready`);
}

async function scenario(queueOrDefault: { default?: object; queue?: object[] }) {
  await fetch(`http://127.0.0.1:${PORTS.fake}/__fake/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(queueOrDefault),
  });
}

interface StreamResult {
  firstTokenMs: number;
  totalMs: number;
  text: string;
  error: string | null;
}

/** Opens one SSE response (after whatever request starts the answer). */
type Open = () => Promise<Response>;

/** The text of one SSE data payload in any of the three framings, or what ends the stream. */
function parseFrame(data: string): { text?: string; end?: 'done' | string } {
  if (data === '[DONE]') return { end: 'done' };
  let event: {
    type?: string;
    text?: string;
    code?: string;
    error?: { code?: string };
    choices?: { delta?: { content?: string } }[];
  };
  try {
    event = JSON.parse(data);
  } catch {
    return {};
  }
  if (event.choices) return { text: event.choices[0]?.delta?.content ?? '' };
  if (event.error) return { end: event.error.code ?? 'error' };
  if (event.type === 'delta') return { text: event.text ?? '' };
  if (event.type === 'error') return { end: event.code ?? 'error' };
  return event.type === 'done' ? { end: 'done' } : {};
}

/** Reads one answer; the clock starts before the request that starts it. */
async function readStream(open: Open): Promise<StreamResult> {
  const started = performance.now();
  let firstTokenMs = -1;
  let text = '';
  let error: string | null = null;
  const res = await open();
  for await (const data of sseData(res.body!)) {
    const frame = parseFrame(data);
    if (frame.text) {
      if (firstTokenMs < 0) firstTokenMs = performance.now() - started;
      text += frame.text;
    }
    if (frame.end) {
      if (frame.end !== 'done') error = frame.end;
      break;
    }
  }
  await res.body?.cancel().catch(() => undefined);
  return { firstTokenMs, totalMs: performance.now() - started, text, error };
}

const QUESTION = { messages: [{ role: 'user', content: 'How do I configure the port?' }] };
const server = `http://127.0.0.1:${PORTS.server}`;
const postJson = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** `chat.start` (POST), then `chat.stream` for the run it started. */
const openChat: Open = async () => {
  const started = await (await postJson(`${server}/api/trpc/chat.start`, QUESTION)).json();
  const input = encodeURIComponent(JSON.stringify({ requestId: started.result.data.requestId }));
  return fetch(`${server}/api/trpc/chat.stream?input=${input}`);
};
const openFacade: Open = () =>
  postJson(`${server}/v1/chat/completions`, { model: 'bastion', stream: true, ...QUESTION });
const openRelay: Open = () => fetch(`http://127.0.0.1:${PORTS.relay}/relay`);
/** The raw relay in two requests, as `chat.start` + `chat.stream`: the design's own cost. */
const openRelayTwice: Open = async () => {
  const started = await fetch(`http://127.0.0.1:${PORTS.relay}/start`, { method: 'POST' });
  return fetch(`http://127.0.0.1:${PORTS.relay}/follow/${(await started.json()).id}`);
};
const openSdkRelay: Open = () => fetch(`http://127.0.0.1:${PORTS.relay}/relay-sdk`);

/** A difference with its sign, to two decimals. */
const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'bastion-bench-chat-'));
try {
  children.push(
    await startProcess(
      [here('../../../packages/api/src/testing/fake-openai-main.ts'), String(PORTS.fake)],
      {},
      `http://127.0.0.1:${PORTS.fake}/v1/models`,
    ),
  );
  const serverProcess = await startProcess(
    [here('../src/main.ts')],
    {
      PORT: String(PORTS.server),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ALLOWED_ORIGINS: 'http://127.0.0.1',
      DATA_DIR: dataDir,
      WEB_ROOT: 'none',
      PRIMARY_BASE_URL: `http://127.0.0.1:${PORTS.fake}/v1`,
      PRIMARY_MODEL: 'fake-model',
      // The provider's own timeouts and breaker are not under test: on a loaded machine 500
      // connections to the local fake may take seconds, and a tripped breaker would answer from
      // the knowledge base instead.
      LLM_CONNECT_TIMEOUT_MS: '60000',
      LLM_FIRST_TOKEN_TIMEOUT_MS: '60000',
      LLM_BREAKER_THRESHOLD: '100',
      ALLOWED_HOSTS: '127.0.0.1',
      RATE_LIMIT_CHAT: '1000000',
      RATE_LIMIT_API: '1000000',
      CHAT_MAX_ACTIVE: '5000',
      CHAT_MAX_ACTIVE_PER_CALLER: '5000',
      CHAT_MAX_STREAMS_PER_CALLER: '5000',
    },
    `http://127.0.0.1:${PORTS.server}/readyz`,
  );
  children.push(serverProcess);
  const relayProcess = await startProcess(
    [here('./raw-relay.ts'), String(PORTS.relay), `http://127.0.0.1:${PORTS.fake}/v1`],
    {},
    `http://127.0.0.1:${PORTS.relay}/healthz`,
  );
  children.push(relayProcess);

  // 1. Per-token overhead: long answers with no provider delay, alternating paths.
  const TOKENS = 2_000;
  const tokens = Array.from({ length: TOKENS }, (_, i) => `t${i} `);
  await scenario({ default: { tokens } });
  const paths = [
    ['chat', openChat],
    ['facade', openFacade],
    ['relay', openRelay],
    ['sdk', openSdkRelay],
    ['relay2', openRelayTwice],
  ] as const;
  type Samples = Record<(typeof paths)[number][0], number[]>;
  const samples = (): Samples => ({ chat: [], facade: [], relay: [], sdk: [], relay2: [] });
  for (let i = 0; i < 3; i++) await Promise.all(paths.map(([, open]) => readStream(open)));
  const perToken = samples();
  for (let i = 0; i < (TTFT_ONLY ? 0 : 15); i++) {
    for (const [name, open] of paths) {
      const r = await readStream(open);
      if (r.text !== tokens.join('')) throw new Error(`${name} text incomplete`);
      perToken[name].push(((r.totalMs - r.firstTokenMs) / (TOKENS - 1)) * 1000);
    }
  }

  // 2. Time to first token: short answers, sequential requests.
  await scenario({ default: { tokens: ['a ', 'b'] } });
  const ttft = samples();
  for (let i = 0; i < 200; i++) {
    for (const [name, open] of paths) {
      ttft[name].push((await readStream(open)).firstTokenMs);
    }
  }

  // 2b. CPU an answer costs the process serving it (the server, or the relay for the baseline):
  // the same short answers, one path at a time. Unlike the clock, this barely moves when other
  // work shares the machine, so it shows what the pipeline adds on a busy one too.
  const cpuPerAnswer = (['chat', 'facade', 'relay2'] as const).map((name) => {
    const pid = name === 'relay2' ? relayProcess.pid : serverProcess.pid;
    return async () => {
      const open = paths.find(([n]) => n === name)![1];
      const before = cpuMs(pid);
      for (let i = 0; i < CPU_ANSWERS; i++) await readStream(open);
      return (cpuMs(pid) - before) / CPU_ANSWERS;
    };
  });
  const [cpuChat, cpuFacade, cpuRelay2] = [
    await cpuPerAnswer[0]!(),
    await cpuPerAnswer[1]!(),
    await cpuPerAnswer[2]!(),
  ];

  const perTokenRow = (name: 'chat' | 'facade', label: string) => {
    const [tokRelay, tokSdk, tok] = [perToken.relay, perToken.sdk, perToken[name]].map(median);
    return [
      `${label} per-token time (µs, median of 15 × 2000 tokens)`,
      tokRelay!.toFixed(1),
      tokSdk!.toFixed(1),
      tok!.toFixed(1),
      `${(tok! / tokRelay!).toFixed(2)}× / ${(tok! / tokSdk!).toFixed(2)}× (target ≤ 1.25×)`,
    ];
  };
  const row = (name: 'chat' | 'facade', label: string) => {
    const first = median(ttft[name]);
    return [
      ...(TTFT_ONLY ? [] : [perTokenRow(name, label)]),
      [
        `${label} time to first token p50 (ms, 200 requests)`,
        median(ttft.relay).toFixed(2),
        median(ttft.sdk).toFixed(2),
        first.toFixed(2),
        `${signed(first - median(ttft.relay))} / ${signed(first - median(ttft.sdk))} ms (target ≤ 5 ms)`,
      ],
      [
        `${label} time to first token p95 (ms)`,
        p(ttft.relay, 0.95).toFixed(2),
        p(ttft.sdk, 0.95).toFixed(2),
        p(ttft[name], 0.95).toFixed(2),
        '',
      ],
    ];
  };
  const rows = [
    ...row('chat', 'chat.start + chat.stream'),
    ...row('facade', '/v1/chat/completions'),
  ];
  console.log('\nChat streaming against one fake provider, read by one SSE client');
  console.log(
    '(relay: Fastify + fetch + hand-split SSE; SDK relay: Fastify + openai SDK; ratios: the Bastion path vs each)',
  );
  console.log(['measure', 'raw relay', 'SDK relay', 'Bastion', 'vs raw / vs SDK'].join(' | '));
  for (const r of rows) console.log(r.join(' | '));
  const twice = median(ttft.relay2);
  console.log(
    `\nraw relay in two requests (POST /start + GET /follow, the shape of chat.start + chat.stream): time to first token p50 ${twice.toFixed(2)} ms, ${signed(twice - median(ttft.relay))} ms against one request; chat.start + chat.stream ${signed(median(ttft.chat) - twice)} ms against it`,
  );
  console.log(
    `\nCPU an answer costs the process serving it (${CPU_ANSWERS} short answers each): chat.start + chat.stream ${cpuChat.toFixed(2)} ms, /v1/chat/completions ${cpuFacade.toFixed(2)} ms, raw relay in two requests ${cpuRelay2.toFixed(2)} ms (${signed(cpuChat - cpuRelay2)} / ${signed(cpuFacade - cpuRelay2)} ms)`,
  );
  if (!TTFT_ONLY) {
    // 3. Abort: from the client's AbortSignal to the provider seeing its request closed.
    await scenario({
      default: { tokens: Array.from({ length: 500 }, (_, i) => `x${i} `), tokenDelayMs: 5 },
    });
    const client = createBastionClient({ url: `http://127.0.0.1:${PORTS.server}` });
    const abortMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const controller = new AbortController();
      let abortedAt = 0;
      const outcome = await streamChat(
        client,
        { messages: [{ role: 'user', content: 'long answer please' }] },
        {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'delta' && !controller.signal.aborted) {
              abortedAt = Date.now();
              controller.abort();
            }
          },
        },
      );
      if (outcome.error) console.error(`abort run ${i} failed: ${outcome.error.code}`);
      for (let tries = 0; tries < 200; tries++) {
        const last = (
          await (await fetch(`http://127.0.0.1:${PORTS.fake}/__fake/requests`)).json()
        ).at(-1);
        if (last?.abortedAt) {
          abortMs.push(last.abortedAt - abortedAt);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    // 4. Concurrency: every stream complete and in order.
    const words = Array.from({ length: 40 }, (_, i) => `w${i} `);
    await scenario({ default: { tokens: words, tokenDelayMs: 10 } });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, () =>
        readStream(openChat).catch((e: Error) => ({
          error: e.message,
          text: '',
          firstTokenMs: 0,
          totalMs: 0,
        })),
      ),
    );
    const wall = performance.now() - started;
    const errors = results.filter((r) => r.error).length;
    const incompleteResults = results.filter((r) => !r.error && r.text !== words.join(''));
    const incomplete = incompleteResults.length;
    const failures = new Map<string, number>();
    for (const r of results) if (r.error) failures.set(r.error, (failures.get(r.error) ?? 0) + 1);
    if (failures.size > 0) console.error('errors by reason:', Object.fromEntries(failures));
    if (incomplete > 0) {
      const lengths = incompleteResults.map((r) => r.text.length);
      console.error(`incomplete texts: ${Math.min(...lengths)}–${Math.max(...lengths)} characters`);
    }

    console.log(
      `\nclient abort → provider request closed: p50 ${median(abortMs)} ms, p95 ${p(abortMs, 0.95)} ms over ${abortMs.length} aborts (target ≤ 100 ms)`,
    );
    console.log(
      `\n${CONCURRENT} concurrent chat.stream answers (40 tokens, 10 ms apart): ${errors} errors, ${incomplete} incomplete or out of order, wall ${Math.round(wall)} ms, peak server RSS ${peakRssMb(serverProcess.pid!)} MB`,
    );
    if (errors > 0 || incomplete > 0) process.exitCode = 1;
  }
} finally {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(null);
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(dataDir, { recursive: true, force: true });
}
