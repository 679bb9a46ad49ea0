import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBastionClient } from '@bastion/api/client';
import { type FakeOpenAI, startFakeOpenAI } from '@bastion/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envVariables } from '../src/config/env.ts';
import { tempDir } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Every variable the config reads that carries a credential (by construction: from the schema). */
const SECRET_VARIABLE = /_(?:KEYS?|SECRET|TOKEN|PASSWORD)(?:_FILE)?$/;
const secretVariables = envVariables.filter((name) => SECRET_VARIABLE.test(name));

/** A tiny OpenAI-compatible `/v1/embeddings` that records the keys it was sent. */
async function startEmbeddings(): Promise<{ baseURL: string; auth: string[]; server: Server }> {
  const auth: string[] = [];
  const server = createHttpServer(async (req, res) => {
    auth.push(String(req.headers.authorization));
    let body = '';
    for await (const chunk of req) body += chunk;
    const { input } = JSON.parse(body) as { input: string[] };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        model: 'fake-embed',
        data: input.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: [1, text.length % 7, 0.5, 0.25],
        })),
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, auth, server };
}

interface Run {
  env: Record<string, string>;
  secrets: Map<string, string>;
}

/**
 * Sets every secret-bearing variable: the direct form, or (`files`) the `_FILE` form where one
 * exists, each with its own recognisable value.
 */
function secretEnv(dir: string, files: boolean): Run {
  const env: Record<string, string> = {};
  const secrets = new Map<string, string>();
  for (const name of secretVariables) {
    const base = name.replace(/_FILE$/, '');
    const hasFileForm = secretVariables.includes(`${base}_FILE`);
    if (hasFileForm && files !== name.endsWith('_FILE')) continue;
    const secret = `Sekr1t-${base.toLowerCase().replaceAll('_', '-')}-${randomBytes(12).toString('hex')}`; // secret-scan: allow
    secrets.set(base, secret);
    if (name.endsWith('_FILE')) {
      const path = join(dir, `${base.toLowerCase()}.txt`);
      writeFileSync(path, `${secret}\n`, { mode: 0o600 });
      env[name] = path;
    } else if (name.endsWith('_KEYS')) {
      env[name] = `${base.toLowerCase().replaceAll('_', '-')}:${secret}`;
    } else {
      env[name] = secret;
    }
  }
  return { env, secrets };
}

describe('the secret-bearing variables of the config', () => {
  it('are found in the schema, both forms of each', () => {
    for (const name of ['PRIMARY_API_KEY', 'OPENAI_API_KEY', 'EMBEDDINGS_API_KEY']) {
      expect(secretVariables).toContain(name);
      expect(secretVariables).toContain(`${name}_FILE`);
    }
    expect(secretVariables).toContain('API_KEYS');
    expect(secretVariables).toContain('ADMIN_API_KEYS');
    expect(secretVariables).not.toContain('API_KEY_COLLECTIONS');
  });
});

describe.each([
  ['given directly', false],
  ['given as files', true],
])('a real server with every secret %s', (_label, files) => {
  let child: ChildProcess;
  let logs = '';
  let url = '';
  let fake: FakeOpenAI;
  let embeddings: Awaited<ReturnType<typeof startEmbeddings>>;
  let dir: string;
  let run: Run;
  const seen: Record<string, string> = {};

  beforeAll(async () => {
    dir = tempDir();
    fake = await startFakeOpenAI({ models: ['llama3.2', 'gpt-4o-mini'] });
    embeddings = await startEmbeddings();
    // A repository whose README seeds the default collection.
    const docs = join(dir, 'repo');
    mkdirSync(docs);
    writeFileSync(join(docs, 'README.md'), '# Port\n\nBastion listens on PORT, 8787 by default.\n');
    run = secretEnv(dir, files);
    child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        LOG_LEVEL: 'debug',
        NODE_ENV: 'test',
        WEB_ROOT: 'none',
        DATA_DIR: join(dir, 'data'),
        RAG_DEMO_ROOT: docs,
        PRIMARY_BASE_URL: fake.baseURL,
        FALLBACK_BASE_URL: fake.baseURL,
        EMBEDDINGS_BASE_URL: embeddings.baseURL,
        EMBEDDINGS_MODEL: 'fake-embed',
        ...run.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => {
      logs += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      logs += chunk;
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs}`)), 30_000);
      const check = () => {
        const match = /Bastion is serving (http:\/\/[^"\s]+)/.exec(logs);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      };
      child.stdout!.on('data', check);
      child.once('exit', () => reject(new Error(`server exited:\n${logs}`)));
    });

    const adminKey = run.secrets.get('ADMIN_API_KEYS')!;
    const userKey = run.secrets.get('API_KEYS')!;
    const withOrigin: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...Object.fromEntries(new Headers(init?.headers)), origin: url },
      });
    const user = createBastionClient({ url, apiKey: userKey, fetch: withOrigin });
    const admin = createBastionClient({ url, apiKey: adminKey, fetch: withOrigin });

    // Exercise every path a key travels: the primary fails once, so the fallback answers too.
    fake.queue.push({ status: 503 });
    await user.chat.complete.mutate({ messages: [{ role: 'user', content: 'Which port?' }] });
    const answer = await user.chat.complete.mutate({
      messages: [{ role: 'user', content: 'And the host?' }],
    });
    await user.rag.search.query({ query: 'port' });
    const visitorId = randomUUID();
    await user.analytics.track.mutate({ visitorId, event: 'page_view', props: { path: '/' } });
    await user.feedback.submit.mutate({
      requestId: answer.requestId,
      token: answer.feedbackToken ?? '',
      rating: 'up',
      visitorId,
    });
    await admin.analytics.summary.query();
    // A wrong key, and a key in a query string, are refused and must not be echoed either.
    await fetch(`${url}/api/status/summary?key=${userKey}`, {
      headers: { authorization: `Bearer ${userKey}x` },
    });
    seen.summary = JSON.stringify(await admin.status.summary.query());
    seen.summaryHttp = await fetch(`${url}/api/status/summary`, {
      headers: { authorization: `Bearer ${adminKey}` },
    }).then((r) => r.text());
    const metrics = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(metrics.status).toBe(200);
    seen.metrics = await metrics.text();
    child.kill('SIGTERM');
    await once(child, 'exit');
    seen.logs = logs;
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await fake?.close();
    embeddings?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the keys it was given (the test reaches the paths that carry them)', () => {
    const sent = fake.requests.map((r) => r.authorization);
    expect(sent).toContain(`Bearer ${run.secrets.get('PRIMARY_API_KEY')}`);
    expect(sent).toContain(`Bearer ${run.secrets.get('OPENAI_API_KEY')}`);
    expect(embeddings.auth).toContain(`Bearer ${run.secrets.get('EMBEDDINGS_API_KEY')}`);
    expect(seen.metrics).toContain('bastion_feedback_total{rating="up"} 1');
    expect(seen.metrics).toContain('served_by="fallback"');
  });

  it('never shows a secret in status.summary, /metrics or the logs', () => {
    expect(seen.logs).toContain('Bastion is serving');
    for (const [where, text] of Object.entries(seen)) {
      for (const [name, secret] of run.secrets) {
        expect(text.includes(secret), `${name} in ${where}`).toBe(false);
        // Nor a recognisable part of it (a truncated echo).
        expect(text.includes(secret.slice(-16)), `${name} (tail) in ${where}`).toBe(false);
      }
    }
  });

  it('reports every field of SPEC 9 in status.summary, with live values', () => {
    const summary = JSON.parse(seen.summary!);
    expect(JSON.parse(seen.summaryHttp!)).toMatchObject({
      version: summary.version,
      build: summary.build,
    });
    expect(summary).toMatchObject({
      ok: true,
      ready: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      build: expect.any(String),
      uptimeS: expect.any(Number),
      llm: {
        path: expect.stringMatching(/^(primary|warming|fallback|extractive|unavailable)$/),
        primary: {
          enabled: true,
          baseUrl: fake.baseURL,
          model: 'llama3.2',
          reachable: true,
          modelPresent: true,
          lastError: expect.toSatisfy((v: unknown) => v === null || typeof v === 'string'),
          lastStatus: expect.toSatisfy((v: unknown) => v === null || typeof v === 'number'),
        },
        fallback: { configured: true, model: 'gpt-4o-mini' },
        extractive: { enabled: true },
      },
      rag: {
        ok: true,
        mode: 'hybrid',
        collections: 1,
        documents: 1,
        chunks: expect.any(Number),
        journalMode: 'wal',
      },
      sse: { connections: 0 },
      servedBy: { primary: 1, fallback: 1, extractive: 0, guardrails: 0 },
      latencyMs: {
        primary: { p50: expect.any(Number), p95: expect.any(Number) },
        fallback: { p50: expect.any(Number), p95: expect.any(Number) },
      },
      guardrails: { mode: 'enforce', flagged: 0, blocked: 0 },
    });
    expect(summary.rag.chunks).toBeGreaterThan(0);
  });
});
