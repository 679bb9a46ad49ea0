// Scale-out throughput: chat streams per second (chat.start + chat.stream through the generated
// nginx, fake provider) with one replica in memory, one on Redis, and three on one Redis. Bounded
// in count and time, loopback only; every process and folder it makes is removed.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createBastionClient, streamChat } from '@bastion/api/client';
import { startRedis } from '../../../packages/api/src/testing/services.ts';
import { startTestEdge } from '../test/attack.ts';
import { freePort, type Replica, startReplica } from '../test/scale-replicas.ts';
import { cpuMs } from './proc.ts';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 400);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 32);
const MAX_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const KEY = 'bench-secret-0123456789abcdef';
const TOKENS = Array.from({ length: 20 }, (_, i) => `t${i} `);

/** The whole machine's busy and total CPU time so far (every user's work), in ticks. */
function machineTicks(): { busy: number; total: number } {
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/);
  const values = ticks.filter(Boolean).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Where the CPU goes during a pass: ms per stream in the replicas, the fake model, Redis and this
 * load generator (nginx is not counted), and how busy the whole machine was (in cores). When the
 * machine is near all its cores busy, streams per second is capped by CPU per stream, whatever
 * the replica count: more replicas on the same cores cannot add throughput.
 */
function cpuMeter(pids: () => { replicas: number[]; fake?: number; redis?: number }) {
  const read = () => {
    const p = pids();
    return {
      replicas: p.replicas.reduce((n, pid) => n + cpuMs(pid), 0),
      fake: cpuMs(p.fake),
      redis: cpuMs(p.redis),
      self: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      machine: machineTicks(),
      at: performance.now(),
    };
  };
  const start = read();
  return (streams: number) => {
    const end = read();
    const per = (k: 'replicas' | 'fake' | 'redis' | 'self') =>
      ((end[k] - start[k]) / Math.max(1, streams)).toFixed(2);
    const cores =
      ((end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total)) *
      availableParallelism();
    return `CPU a stream: replicas ${per('replicas')} ms, fake model ${per('fake')} ms, Redis ${per('redis')} ms, load generator ${per('self')} ms; machine ${cores.toFixed(2)} of ${availableParallelism()} cores busy`;
  };
}

async function startFake(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const main = fileURLToPath(
    new URL('../../../packages/api/src/testing/fake-openai-main.ts', import.meta.url),
  );
  const child = spawn(process.execPath, [main, String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/v1/models`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) {
      await fetch(`${url}/__fake/scenario`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ default: { tokens: TOKENS } }),
      });
      return { url, child };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('fake provider never started');
}

/** Streams answers through `edgeUrl` with CONCURRENT readers until STREAMS or MAX_SECONDS. */
async function load(
  edgeUrl: string,
): Promise<{ perSecond: number; done: number; failed: number; reasons: string }> {
  const expected = TOKENS.join('');
  let started = 0;
  let done = 0;
  let failed = 0;
  const reasons = new Set<string>();
  const begin = performance.now();
  const deadline = begin + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      // One client per reader, as each browser has its own.
      const client = createBastionClient({ url: edgeUrl, apiKey: KEY });
      while (started < STREAMS && performance.now() < deadline) {
        started += 1;
        const outcome = await streamChat(client, {
          messages: [{ role: 'user', content: 'What is Bastion?' }],
        });
        if (!outcome.error && outcome.content === expected) done += 1;
        else {
          failed += 1;
          reasons.add(outcome.error?.code ?? `wrong text (served by ${outcome.servedBy})`);
        }
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  return { perSecond: done / seconds, done, failed, reasons: [...reasons].join(', ') };
}

async function measure(label: string, count: number, env: Record<string, string>) {
  const redisPid = env.REDIS_URL ? redis.pid : undefined;
  const replicas: Replica[] = [];
  let edge: Awaited<ReturnType<typeof startTestEdge>> | undefined;
  try {
    for (let i = 0; i < count; i++)
      replicas.push(await startReplica({ ...env, LOG_LEVEL: 'warn' }));
    edge = await startTestEdge(replicas.map((r) => `127.0.0.1:${r.port}`));
    await load(edge.url); // warm-up pass is the same work; only the second is reported
    const meter = cpuMeter(() => ({
      replicas: replicas.map((r) => r.child.pid ?? 0),
      fake: fake.child.pid,
      redis: redisPid,
    }));
    const result = await load(edge.url);
    console.log(
      `${label.padEnd(26)} ${result.perSecond.toFixed(1).padStart(7)} streams/s  (${result.done} ok, ${result.failed} failed${result.failed ? `: ${result.reasons}` : ''})`,
    );
    console.log(`${' '.repeat(27)}${meter(result.done + result.failed)}`);
    return result.perSecond;
  } finally {
    await edge?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

const fake = await startFake();
const redis = await startRedis();
try {
  const env = {
    PRIMARY_BASE_URL: `${fake.url}/v1`,
    PRIMARY_MODEL: 'fake-model',
    API_KEYS: `bench:${KEY}`,
    RATE_LIMIT_CHAT: 'off',
    RATE_LIMIT_API: 'off',
    CHAT_MAX_ACTIVE: '100000',
    CHAT_MAX_ACTIVE_PER_CALLER: '10000',
    CHAT_MAX_STREAMS_PER_CALLER: '10000',
    // As in chat.bench.ts: the provider's timeouts and breaker are not under test, and on a loaded
    // machine they would send some answers to the knowledge base (another text) instead.
    LLM_CONNECT_TIMEOUT_MS: '60000',
    LLM_FIRST_TOKEN_TIMEOUT_MS: '60000',
    LLM_BREAKER_THRESHOLD: '100',
  };
  console.log(
    `chat streams through nginx, fake provider (${TOKENS.length} tokens), ${CONCURRENT} concurrent, up to ${STREAMS} streams or ${MAX_SECONDS} s each`,
  );
  const memory = await measure('1 replica, in memory', 1, env);
  const one = await measure('1 replica, Redis', 1, { ...env, REDIS_URL: redis.url });
  const three = await measure('3 replicas, one Redis', 3, { ...env, REDIS_URL: redis.url });
  console.log(`ratio 3 replicas / 1 replica (Redis): ${(three / one).toFixed(2)}x`);
  console.log(`ratio 1 replica Redis / in memory: ${(one / memory).toFixed(2)}x`);
} finally {
  fake.child.kill();
  await redis.stop();
}
