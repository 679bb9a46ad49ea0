import { describe, expect, it } from 'vitest';
import { MAX_BATCH_URL_CHARS } from '../../src/client/batch-limits.ts';
import { createBastionClient } from '../../src/client/index.ts';

const ORIGIN = 'http://bastion.invalid';

/**
 * A typed client whose requests are recorded and answered as the server would: one result per
 * procedure of a batch (each echoing its input), or the single result of an unbatched call.
 */
function recordingClient() {
  const urls: string[] = [];
  const client = createBastionClient({
    url: ORIGIN,
    fetch: async (input, init) => {
      const url = new URL(String(input));
      urls.push(url.href);
      const body = typeof init?.body === 'string' ? init.body : url.searchParams.get('input');
      const raw = JSON.parse(body ?? 'null') as unknown;
      if (url.searchParams.get('batch') !== '1') return Response.json({ result: { data: raw } });
      const inputs = raw as Record<string, unknown>;
      const calls = url.pathname.split('/').at(-1)!.split(',');
      return Response.json(calls.map((_, i) => ({ result: { data: inputs[i] } })));
    },
  });
  return { client, urls };
}

/** A search query whose call, alone in a batch, has a URL of exactly `urlChars` characters. */
function queryForBatchUrl(urlChars: number): string {
  const empty = `${ORIGIN}/api/trpc/rag.search?batch=1&input=${encodeURIComponent('{"0":{"query":""}}')}`;
  return 'a'.repeat(urlChars - empty.length);
}

const search = (client: ReturnType<typeof createBastionClient>, query: string) =>
  // The fake echoes the input back as the result.
  client.rag.search.query({ query }) as Promise<unknown>;

/** A document whose ingest call, alone in a batch, has an input of exactly `chars` characters. */
function documentForBatchInput(chars: number) {
  const empty = JSON.stringify({ 0: { documents: [{ path: 'a.md', content: '' }] } });
  return { path: 'a.md', content: 'a'.repeat(chars - empty.length) };
}

describe("the typed client's batches fit the edge's URL and body limits", () => {
  it('sends a call that fits a batch batched, at the bound, and one past it alone', async () => {
    const { client, urls } = recordingClient();
    const atBound = queryForBatchUrl(MAX_BATCH_URL_CHARS);
    expect(await search(client, atBound)).toEqual({ query: atBound });
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain('?batch=1&');
    expect(urls[0]).toHaveLength(MAX_BATCH_URL_CHARS);

    const pastBound = `${atBound}a`;
    expect(await search(client, pastBound)).toEqual({ query: pastBound });
    expect(urls).toHaveLength(2);
    expect(urls[1]).not.toContain('batch=1');
  });

  it('sends a mutation whose body fits a batch batched, and one past the bound alone', async () => {
    const { client, urls } = recordingClient();
    const prefix = `${ORIGIN}/api/trpc/rag.ingest?batch=1&input=`.length;
    const atBound = documentForBatchInput(MAX_BATCH_URL_CHARS - prefix);
    const pastBound = { ...atBound, content: `${atBound.content}a` };
    for (const document of [atBound, pastBound]) {
      const input = { documents: [document] };
      expect(await client.rag.ingest.mutate(input)).toEqual(input);
    }
    expect(urls).toEqual([
      `${ORIGIN}/api/trpc/rag.ingest?batch=1`,
      `${ORIGIN}/api/trpc/rag.ingest`,
    ]);
  });

  it('splits calls made at once into batches that each fit, every call answered', async () => {
    const { client, urls } = recordingClient();
    // Long and short calls mixed, as a page or a script fires them.
    const queries = Array.from({ length: 24 }, (_, i) =>
      `q${i}:`.padEnd(i % 3 === 0 ? 4_000 : 40, '中'),
    );
    const results = await Promise.all(queries.map((query) => search(client, query)));
    expect(results).toEqual(queries.map((query) => ({ query })));
    for (const url of urls) expect(url.length).toBeLessThanOrEqual(MAX_BATCH_URL_CHARS);
    // Batched still: fewer requests than calls.
    expect(urls.length).toBeLessThan(queries.length);
    expect(urls.every((url) => url.includes('batch=1'))).toBe(true);
  });
});
