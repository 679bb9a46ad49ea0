import {
  type AppRouter,
  type BastionClient,
  createBastionClient,
  TRPCClientError,
} from '@bastion/api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAG_LIMITS } from '../../../packages/api/src/rag/router.ts';
import { startServer } from './helpers.ts';

/** A search of `chars` CJK characters: 9 URL characters each, the longest a query encodes to. */
const cjk = (chars: number) => '中'.repeat(chars);
const PARALLEL = 4;

/** The reason and status the server's own answer gave (not one the client read off a status). */
async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => expect.unreachable('the call should fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data;
}

// Several searches at their cap fired at once from one client were batched into one GET whose URL
// the server (431) and the generated nginx (414) refuse, though each takes one such search.
describe('searches at their length cap from one typed client, at once', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: BastionClient;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_API: 'off', DISABLE_PRIMARY: '1' });
    client = createBastionClient({ url: server.url });
  });
  afterAll(() => server?.stop());

  it(`answers ${PARALLEL} at the cap and the short calls made with them`, async () => {
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
});
