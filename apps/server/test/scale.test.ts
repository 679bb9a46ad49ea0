// The scaled topology for real: three server processes on one PostgreSQL and one Redis behind the
// generated nginx, on loopback. A replica killed with SIGKILL mid-answer costs the reader nothing.
import { randomUUID } from 'node:crypto';
import { Redis } from '@bastion/api';
import { createBastionClient, errorReason, streamChat } from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  startPostgres,
  startRedis,
  type TestService,
} from '../../../packages/api/src/testing/services.ts';
import { startTestEdge, type TestEdge } from './attack.ts';
import { type Replica, startReplica } from './scale-replicas.ts';

const ADMIN = 'admin-secret-0123456789abcdef';
const ALICE = 'alice-secret-0123456789abcdef';
const LIMITED = 'limit-secret-0123456789abcdef';
/** Long enough to be killed in the middle of: 60 tokens, 40 ms apart. */
const TOKENS = Array.from({ length: 60 }, (_, i) => `part${i} `);
const QUESTION = { messages: [{ role: 'user' as const, content: 'How do replicas share state?' }] };

describe('three replicas on one PostgreSQL and one Redis behind nginx', () => {
  let postgres: TestService;
  let redis: TestService;
  let fake: FakeOpenAI;
  const replicas: Replica[] = [];
  let edge: TestEdge;
  let peek: Redis;

  beforeAll(async () => {
    [postgres, redis, fake] = await Promise.all([
      startPostgres(),
      startRedis(),
      startFakeOpenAI({ defaultScenario: { tokens: TOKENS, tokenDelayMs: 40 } }),
    ]);
    const env = {
      DATABASE_URL: await createDatabase(postgres.url, 'scale_replicas'),
      REDIS_URL: redis.url,
      PRIMARY_BASE_URL: fake.baseURL,
      PRIMARY_MODEL: 'fake-model',
      API_KEYS: `alice:${ALICE},limited:${LIMITED}`,
      ADMIN_API_KEYS: `admin:${ADMIN}`,
      RATE_LIMIT_CHAT: '5/min',
      RATE_LIMIT_API: 'off',
      CHAT_MAX_ACTIVE_PER_CALLER: '10',
      CHAT_RESUME_GRACE_MS: '2000',
      ALLOWED_HOSTS: '127.0.0.1',
    };
    // The first alone (it runs the PostgreSQL migrations), then the others together.
    replicas.push(await startReplica(env));
    const rest = await Promise.allSettled([startReplica(env), startReplica(env)]);
    for (const r of rest) if (r.status === 'fulfilled') replicas.push(r.value);
    for (const r of rest) if (r.status === 'rejected') throw r.reason;
    edge = await startTestEdge(replicas.map((r) => `127.0.0.1:${r.port}`));
    peek = new Redis(redis.url);
  }, 300_000);

  afterAll(async () => {
    peek?.disconnect();
    await edge?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await fake?.close();
    await redis?.stop();
    await postgres?.stop();
  });

  const client = (url: string, apiKey: string) => createBastionClient({ url, apiKey });

  it('finds a document ingested through one replica through another', async () => {
    const [first, , third] = replicas;
    await client(first!.url, ADMIN).rag.ingest.mutate({
      documents: [
        {
          path: 'ops/replicas.md',
          title: 'Replicas',
          content: '# Replicas\n\nEvery replica reads the same knowledge base in PostgreSQL.',
        },
      ],
    });
    const { hits } = await client(third!.url, ALICE).rag.search.query({ query: 'replica' });
    expect(hits.map((h) => h.path)).toContain('ops/replicas.md');
  });

  it('keeps analytics in PostgreSQL: tracked through one replica, exported and erased through another', async () => {
    const [first, second, third] = replicas;
    // The page's own origin, as a browser on that replica would send it.
    const page = createBastionClient({
      url: first!.url,
      apiKey: ALICE,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('origin', first!.url);
        return fetch(input, { ...init, headers });
      },
    });
    const visitorId = randomUUID();
    const event = { event: 'page_view' as const, props: { path: '/' } };
    expect(await page.analytics.track.mutate({ visitorId, ...event })).toEqual({ stored: true });
    const exported = await client(second!.url, ALICE).analytics.export.query({ visitorId });
    expect(exported.events).toEqual([{ ...event, ts: expect.any(String) }]);
    expect(await client(third!.url, ALICE).analytics.erase.mutate({ visitorId })).toMatchObject({
      events: 1,
    });
    expect((await client(first!.url, ALICE).analytics.export.query({ visitorId })).events).toEqual(
      [],
    );
  });

  it('holds RATE_LIMIT_CHAT=5/min across the three replicas', async () => {
    const outcomes: (string | null)[] = [];
    for (const replica of [...replicas, ...replicas]) {
      const started = await client(replica.url, LIMITED)
        .chat.start.mutate(QUESTION)
        .then(
          () => null,
          (error: unknown) => errorReason(error),
        );
      outcomes.push(started);
    }
    expect(outcomes).toEqual([null, null, null, null, null, 'rate_limited']);
  });

  it('resumes on a survivor after the replica running the answer is killed (kill -9), with identical text', async () => {
    const viaEdge = client(edge.url, ALICE);
    const whole = await streamChat(viaEdge, QUESTION);
    expect(whole.error).toBeNull();
    expect(whole.content).toBe(TOKENS.join(''));

    const calls = fake.requests.length;
    let killed: Replica | undefined;
    let requestId = '';
    let deltas = 0;
    const resumed = await streamChat(viaEdge, QUESTION, {
      reconnectTimeoutMs: 20_000,
      onEvent: (event) => {
        if (event.type === 'meta') requestId = event.requestId;
        if (event.type !== 'delta' || ++deltas !== 3) return;
        // The replica driving the model, as Redis knows it, dies without a word.
        void peek.hget(`bastion:run:${requestId}`, 'driver').then((driver) => {
          killed = replicas.find((r) => r.replicaId === driver);
          killed?.child.kill('SIGKILL');
        });
      },
    });
    expect(killed).toBeDefined();
    expect(killed!.child.signalCode).toBe('SIGKILL');
    expect(resumed.error).toBeNull();
    expect(resumed.content).toBe(whole.content);
    expect(resumed.finishReason).toBe('stop');
    // The survivor asked the model again (the dead replica's call went with it).
    expect(fake.requests.length).toBe(calls + 2);
  }, 60_000);
});
