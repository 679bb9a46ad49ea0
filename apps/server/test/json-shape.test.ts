import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonShape, JsonShapeScanner } from '../src/plugins/json-shape.ts';
import { startServer } from './helpers.ts';

const ADMIN = 'shape-admin-secret-0123456789';
const JSON_POST = {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
} as const;

/** Objects and arrays in a parsed value, and its deepest nesting (the truth the scanner must match). */
function shapeOf(value: unknown, depth = 0): { containers: number; depth: number } {
  if (typeof value !== 'object' || value === null) return { containers: 0, depth };
  let containers = 1;
  let deepest = depth + 1;
  for (const child of Object.values(value)) {
    const inner = shapeOf(child, depth + 1);
    containers += inner.containers;
    deepest = Math.max(deepest, inner.depth);
  }
  return { containers, depth: deepest };
}

/** Whether `text`, cut into chunks at `cuts`, stays within `shape`. */
function within(text: string, shape: JsonShape, cuts: number[] = []): boolean {
  const bytes = Buffer.from(text);
  const scanner = new JsonShapeScanner(shape);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (scanner.feed(bytes.subarray(from, cut))) return false;
    from = cut;
  }
  return true;
}

describe('the JSON shape scanner', () => {
  // Strings full of brackets, escaped quotes and backslashes, and multi-byte characters.
  const tricky = JSON.stringify({
    a: ['{[', '\\', '"]}"', 'ü{😀[', { b: '\\"{', c: [[], {}, ['\\\\']] }],
    d: 'x\\',
    e: [{ f: '}}}]]]' }],
  });
  const truth = shapeOf(JSON.parse(tricky));

  it('counts objects, arrays and depth exactly, skipping strings and their escapes', () => {
    const exact = { maxContainers: truth.containers, maxDepth: truth.depth };
    expect(within(tricky, exact)).toBe(true);
    expect(within(tricky, { ...exact, maxContainers: truth.containers - 1 })).toBe(false);
    expect(within(tricky, { ...exact, maxDepth: truth.depth - 1 })).toBe(false);
  });

  it('reads the same whatever the chunks (every cut, escapes split included)', () => {
    const exact = { maxContainers: truth.containers, maxDepth: truth.depth };
    const tight = { ...exact, maxContainers: truth.containers - 1 };
    const length = Buffer.byteLength(tricky);
    for (let cut = 0; cut <= length; cut++) {
      for (const second of [cut, cut + 1, cut + 2].filter((c) => c <= length)) {
        expect(within(tricky, exact, [cut, second])).toBe(true);
        expect(within(tricky, tight, [cut, second])).toBe(false);
      }
    }
  });
});

describe('a body too big or too deep to parse', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ ADMIN_API_KEYS: `root:${ADMIN}` });
  });
  afterAll(() => server.stop());

  const manyObjects = `[${'{},'.repeat(300_000)}{}]`;
  const deepArrays = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;

  it('is refused on /api before it is parsed, in tRPC shape', async () => {
    for (const [body, status, reason] of [
      [manyObjects, 413, 'payload_too_large'],
      [deepArrays, 400, 'invalid_input'],
    ] as const) {
      const res = await fetch(`${server.url}/api/trpc/rag.ingest`, { ...JSON_POST, body });
      expect(res.status).toBe(status);
      const { error } = await res.json();
      expect(error.data.reason).toBe(reason);
      expect(error.message).toMatch(/objects and arrays/);
    }
  });

  it('is refused on /v1 in OpenAI shape', async () => {
    for (const [body, status, code] of [
      [manyObjects, 413, 'payload_too_large'],
      [deepArrays, 400, 'invalid_input'],
    ] as const) {
      const res = await fetch(`${server.url}/v1/chat/completions`, { ...JSON_POST, body });
      expect(res.status).toBe(status);
      const { error } = await res.json();
      expect(error.code).toBe(code);
      expect(error.type).toBe('invalid_request_error');
    }
  });

  it('never refuses the largest valid call', async () => {
    // A whole batch of ingests at the document cap, and /v1 at its message and part caps.
    const documents = Array.from({ length: 100 }, (_, i) => ({ path: `d${i}.md`, content: '{[' }));
    const batch = Object.fromEntries(
      Array.from({ length: 18 }, (_, i) => [String(i), { documents }]),
    );
    const trpc = await fetch(
      `${server.url}/api/trpc/${Array(18).fill('rag.ingest').join(',')}?batch=1`,
      {
        ...JSON_POST,
        body: JSON.stringify(batch),
      },
    );
    const calls = await trpc.json();
    expect(trpc.status).toBe(200);
    expect(calls).toHaveLength(18);

    const parts = Array.from({ length: 100 }, () => ({ type: 'text', text: '{' }));
    const messages = Array.from({ length: 200 }, () => ({ role: 'system', content: parts }));
    const v1 = await fetch(`${server.url}/v1/chat/completions`, {
      ...JSON_POST,
      body: JSON.stringify({ model: 'bastion', messages }),
    });
    // Past the shape check: refused by the chat input (no user message), not by the scanner.
    expect(v1.status).toBe(400);
    expect((await v1.json()).error.message).not.toMatch(/objects and arrays/);
  });
});
