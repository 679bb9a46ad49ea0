// Two replicas in this process sharing one real Redis (REDIS_URL): limits, caps, sessions and chat
// runs hold across them. The process-level scale test (kill -9 behind nginx) is scale.test.ts.
import { execFileSync } from 'node:child_process';
import { createServer as createTcpServer, type Server } from 'node:net';
import { connectRedis } from '@bastion/api';
import {
  type BastionClient,
  type ChatEvent,
  createBastionClient,
  errorReason,
} from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestService } from '../../../packages/api/src/testing/services.ts';
import { closedPort, startServer } from './helpers.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };
const TOKENS = Array.from({ length: 40 }, (_, i) => `word${i} `);
const KEY = 'alice:alice-secret-0123456789abcdef';

type Replica = Awaited<ReturnType<typeof startServer>>;

function follow(client: BastionClient, input: { requestId: string; lastEventId?: string }) {
  return new Promise<{ id: string; data: ChatEvent }[]>((resolve, reject) => {
    const events: { id: string; data: ChatEvent }[] = [];
    const sub = client.chat.stream.subscribe(input, {
      onData: (e) => {
        events.push(e);
        if (e.data.type === 'done' || e.data.type === 'error') {
          sub.unsubscribe();
          resolve(events);
        }
      },
      onError: (error) => {
        sub.unsubscribe();
        reject(error);
      },
    });
  });
}

const text = (events: { data: ChatEvent }[]) =>
  events.map((e) => (e.data.type === 'delta' ? e.data.text : '')).join('');

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('replicas sharing one Redis', () => {
  let redis: TestService;
  let fake: FakeOpenAI;
  let a: Replica;
  let b: Replica;
  const bearer = (url: string) =>
    createBastionClient({ url, apiKey: 'alice-secret-0123456789abcdef' });

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeOpenAI({ defaultScenario: { tokens: TOKENS, tokenDelayMs: 10 } });
    const env = {
      REDIS_URL: redis.url,
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
      API_KEYS: KEY,
      RATE_LIMIT_API: 'off',
      CHAT_MAX_ACTIVE_PER_CALLER: '1',
    };
    a = await startServer(env);
    b = await startServer(env);
    await a.llm.probe();
    await b.llm.probe();
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await fake?.close();
    await redis?.stop();
  });

  it('counts RATE_LIMIT_API across replicas (5/min in all)', async () => {
    const env = { REDIS_URL: redis.url, DISABLE_PRIMARY: '1', RATE_LIMIT_API: '5/min' };
    const [c, d] = [await startServer(env), await startServer(env)];
    try {
      const statuses: number[] = [];
      for (const url of [c.url, d.url, c.url, d.url, c.url, d.url, c.url]) {
        // An anonymous caller: counted per client address, the same on both replicas.
        statuses.push((await fetch(`${url}/api/trpc/session.whoami`)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // One counter for the caller, named for its budget.
      const client = await connectRedis(redis.url, { info() {}, warn() {} });
      try {
        expect(await client.keys('bastion:rate:*')).toEqual(['bastion:rate:api:ip:127.0.0.1']);
      } finally {
        client.disconnect();
      }
    } finally {
      await c.stop();
      await d.stop();
    }
  });

  it('serves a run started on one replica from another, identical, and resumes there', async () => {
    const { requestId } = await bearer(a.url).chat.start.mutate(QUESTION);
    const whole = await follow(bearer(b.url), { requestId });
    expect(text(whole)).toBe(TOKENS.join(''));
    expect(whole.at(-1)!.data.type).toBe('done');
    // Resuming on the other replica from the middle gives exactly the rest.
    const cut = whole.findIndex((e) => e.data.type === 'delta');
    const rest = await follow(bearer(a.url), { requestId, lastEventId: whole[cut]!.id });
    expect(text(whole.slice(0, cut + 1)) + text(rest)).toBe(TOKENS.join(''));
  });

  it('serves a viewer on the replica driving the run from memory, the same answer as from Redis', async () => {
    const reads = () =>
      Number(
        /cmdstat_xrange:calls=(\d+)/.exec(
          execFileSync('redis-cli', ['-u', redis.url, 'INFO', 'commandstats'], {
            encoding: 'utf8',
          }),
        )?.[1] ?? 0,
      );
    const before = reads();
    const { requestId } = await bearer(a.url).chat.start.mutate(QUESTION);
    const here = await follow(bearer(a.url), { requestId });
    expect(text(here)).toBe(TOKENS.join(''));
    expect(reads()).toBe(before);
    const there = await follow(bearer(b.url), { requestId });
    expect(reads()).toBeGreaterThan(before);
    expect(text(there)).toBe(text(here));
    expect(there.at(-1)).toEqual(here.at(-1));
  });

  it('holds the per-caller cap across replicas, and a cancel on one stops the model on the other', async () => {
    fake.queue.push({ tokens: TOKENS, tokenDelayMs: 200 });
    const before = fake.requests.length;
    const { requestId } = await bearer(a.url).chat.start.mutate(QUESTION);
    const watching = follow(bearer(b.url), { requestId });
    await until(() => fake.requests.length > before);
    // CHAT_MAX_ACTIVE_PER_CALLER=1: the second answer is refused on the other replica too.
    const refused = await bearer(b.url)
      .chat.start.mutate(QUESTION)
      .catch((e) => e);
    expect(errorReason(refused)).toBe('too_many_answers');

    expect(await bearer(b.url).chat.cancel.mutate({ requestId })).toEqual({ cancelled: true });
    const events = await watching;
    expect(events.at(-1)!.data).toMatchObject({ type: 'error', code: 'aborted' });
    await until(() => fake.requests.at(-1)!.abortedAt !== null);
    // The slot came back: a new answer starts.
    await until(async () => {
      const started = await bearer(b.url)
        .chat.start.mutate(QUESTION)
        .catch(() => null);
      if (started) await follow(bearer(b.url), started);
      return started !== null;
    });
  });

  it('keeps a browser signed in through one replica signed in on the other', async () => {
    const res = await fetch(`${a.url}/api/trpc/session.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.9' },
      body: JSON.stringify({ key: 'alice-secret-0123456789abcdef' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.includes('_session='))!
      .split(';')[0]!;
    const whoami = async (url: string) =>
      (await (await fetch(`${url}/api/trpc/session.whoami`, { headers: { cookie } })).json()).result
        ?.data;
    expect(await whoami(b.url)).toMatchObject({ signedIn: true, keyId: 'alice' });
    await fetch(`${b.url}/api/trpc/session.signOut`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: '{}',
    });
    expect(await whoami(a.url)).toMatchObject({ signedIn: false });
  });
});

describe('start-up with REDIS_URL', () => {
  it('fails clearly when Redis is unreachable, without echoing a password', async () => {
    const port = await closedPort();
    const started = startServer({
      REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}/0`, // secret-scan: allow
      REDIS_WAIT_MS: '300',
      DISABLE_PRIMARY: '1',
    });
    const error = await started.then(
      (s) => s.stop().then(() => null),
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is unreachable/);
    expect(error?.message).not.toContain('hunter2');
  });

  it('refuses a Redis older than 6.2', async () => {
    // A server that answers every command as Redis 6.0 would (INFO included).
    const info = '# Server\r\nredis_version:6.0.16\r\nloading:0\r\n';
    const old: Server = createTcpServer((socket) => {
      socket.on('data', (chunk) => {
        const commands = chunk
          .toString()
          .split('\r\n')
          .filter((l) => l.startsWith('*')).length;
        for (let i = 0; i < commands; i++) socket.write(`$${info.length}\r\n${info}\r\n`);
      });
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const { port } = old.address() as { port: number };
    try {
      const error = await startServer({
        REDIS_URL: `redis://127.0.0.1:${port}`,
        DISABLE_PRIMARY: '1',
      }).then(
        (s) => s.stop().then(() => null),
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/version 6\.0; Bastion needs 6\.2 or newer/);
    } finally {
      old.close();
    }
  });
});
