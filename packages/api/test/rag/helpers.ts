import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../src/rag/knowledge-base.ts';
import { testDatabaseUrl } from '../storage.ts';
import { onCleanup, tempDir } from './temp.ts';

export { cleanup, tempDir } from './temp.ts';

export async function openKnowledgeBase(
  options: Partial<KnowledgeBaseOptions> = {},
): Promise<KnowledgeBase> {
  // A test that names its file is about that file; the others run on the storage under test.
  const databaseUrl = options.databasePath ? undefined : await testDatabaseUrl();
  const kb = await KnowledgeBase.open({
    databasePath: join(tempDir(), 'kb.sqlite'),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...options,
  });
  onCleanup(() => kb.close());
  return kb;
}

/** Words that the fake embedding model treats as one concept. */
const SYNONYMS: Record<string, string> = { automobile: 'car', vehicle: 'car', canine: 'dog' };
export const DIMENSIONS = 64;

/** A deterministic embedding: hashed bag of (synonym-folded) words, L2-normalised. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const word = SYNONYMS[raw] ?? raw;
    let h = 2166136261;
    for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const slot = (h >>> 0) % DIMENSIONS;
    vector[slot] = (vector[slot] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

export interface FakeEmbeddings {
  baseURL: string;
  requests: { model: string; inputs: string[] }[];
  /** Makes the next requests fail with this HTTP status (null: answer normally). */
  failWith: number | null;
  close: () => Promise<void>;
}

/** A real HTTP server speaking the OpenAI `/embeddings` protocol with `fakeEmbedding`. */
export async function startFakeEmbeddings(): Promise<FakeEmbeddings> {
  const state: FakeEmbeddings = {
    baseURL: '',
    requests: [],
    failWith: null,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) {
        res.writeHead(404).end();
        return;
      }
      if (state.failWith) {
        res.writeHead(state.failWith, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'unavailable' } }));
        return;
      }
      const { model, input } = JSON.parse(body) as { model: string; input: string | string[] };
      const inputs = Array.isArray(input) ? input : [input];
      state.requests.push({ model, inputs });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: inputs.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: fakeEmbedding(text),
          })),
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  onCleanup(state.close);
  return state;
}
