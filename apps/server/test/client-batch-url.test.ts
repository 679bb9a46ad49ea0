import {
  type AppRouter,
  type BastionClient,
  createBastionClient,
  TRPCClientError,
} from '@bastion/api/client';
import { defaultEdgeLimits } from '@bastion/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_BATCH_CALLS,
  MAX_BATCH_URL_CHARS,
} from '../../../packages/api/src/client/batch-limits.ts';
import { RAG_LIMITS } from '../../../packages/api/src/rag/router.ts';
import { startServer } from './helpers.ts';

/** A search of `chars` CJK characters: 9 URL characters each, the longest a query encodes to. */
const cjk = (chars: number) => '中'.repeat(chars);
const PARALLEL = 4;
const ADMIN = 'batch-admin-secret-0123456789';

/** The reason and status the server's own answer gave (not one the client read off a status). */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => expect.unreachable('the call should fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data;
}

/** Bytes in nginx's size syntax (`1m`, `512k`, `4096`). */
function nginxBytes(size: string): number {
  const [, count, unit] = /^(\d+)([km]?)$/i.exec(size) ?? expect.unreachable(size);
  return Number(count) * { '': 1, k: 1024, m: 1024 ** 2 }[unit!.toLowerCase() as '' | 'k' | 'm'];
}

// Calls fired at once from one client were batched into one request the server and the generated
// nginx refuse, though each takes every call alone: several searches at their cap (one GET: 431
// from the server, 414 from nginx), or two large ingests (one POST: 413 for both).
describe('calls at their size caps from one typed client, at once', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: BastionClient;
  beforeAll(async () => {
    server = await startServer({
      RATE_LIMIT_API: 'off',
      DISABLE_PRIMARY: '1',
      ADMIN_API_KEYS: `root:${ADMIN}`,
    });
    client = createBastionClient({ url: server.url, apiKey: ADMIN });
  });
  afterAll(() => server?.stop());

  it(`answers ${PARALLEL} searches at the cap and the short calls made with them`, async () => {
    const searches = Array.from({ length: PARALLEL }, (_, i) =>
      client.rag.search.query({ query: `${i}${cjk(RAG_LIMITS.queryChars - 1)}` }),
    );
    const [results, collections] = await Promise.all([
      Promise.all(searches),
      client.rag.collections.query(),
    ]);
    expect(results.map((r) => Array.isArray(r.hits))).toEqual(Array(PARALLEL).fill(true));
    expect(Array.isArray(collections)).toBe(true);
  });

  it('refuses a search over its cap with its typed reason, batched or sent alone', async () => {
    // Just over: it still fits a batch.
    expect(
      await refusal(client.rag.search.query({ query: 'a'.repeat(RAG_LIMITS.queryChars + 1) })),
    ).toMatchObject({ reason: 'invalid_input', httpStatus: 400 });
    // Far over: too long for any batch, so sent alone; the server still answers it.
    expect(
      await refusal(client.rag.search.query({ query: cjk(RAG_LIMITS.queryChars + 500) })),
    ).toMatchObject({ reason: 'invalid_input', httpStatus: 400 });
  });

  it('ingests two large documents sent at once, each within the body limit alone', async () => {
    const ingest = (i: number) =>
      client.rag.ingest.mutate({
        documents: [
          { path: `large-${i}.md`, content: `# Large ${i}\n\n${'word '.repeat(120_000)}` },
        ],
      });
    const results = await Promise.all([ingest(1), ingest(2)]);
    expect(results.map((r) => r.added)).toEqual([1, 1]);
  });

  it('keeps a full batch of calls that fit within the body limits of the server and the edge', () => {
    // Each call's JSON, envelope included, is at most MAX_BATCH_URL_CHARS UTF-16 units, each at
    // most 3 bytes of UTF-8.
    const batchBytes = MAX_BATCH_CALLS * MAX_BATCH_URL_CHARS * 3;
    expect(batchBytes).toBeLessThanOrEqual(server.app.initialConfig.bodyLimit!);
    expect(batchBytes).toBeLessThanOrEqual(nginxBytes(defaultEdgeLimits.maxBodySize));
  });
});
