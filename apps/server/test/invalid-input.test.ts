// The cap of one message (packages/api/src/chat/input.ts).
const MAX_MESSAGE_CHARS = 16_000;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' } } as const;

describe('an input the schema refuses', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  async function trpcError(body: unknown) {
    const res = await fetch(`${server.url}/api/trpc/chat.start`, {
      ...JSON_POST,
      body: JSON.stringify(body),
    });
    return { status: res.status, error: (await res.json()).error };
  }

  async function v1Error(body: Record<string, unknown>) {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      ...JSON_POST,
      body: JSON.stringify({ model: 'bastion', ...body }),
    });
    return { status: res.status, error: (await res.json()).error };
  }

  it('is named in one readable line, with the reason invalid_input, as /v1 words it', async () => {
    const long = 'x'.repeat(MAX_MESSAGE_CHARS + 4_000);
    const cases = [
      {
        input: { messages: [{ role: 'user', content: long }] },
        message: `messages.0.content: a message is at most ${MAX_MESSAGE_CHARS} characters`,
      },
      {
        input: { messages: [{ role: 'user', content: 'hi' }], collection: 'bad id!' },
        message: /^collection: /,
      },
    ];
    for (const { input, message } of cases) {
      const trpc = await trpcError(input);
      expect(trpc.status).toBe(400);
      expect(trpc.error.data.reason).toBe('invalid_input');
      expect(trpc.error.message).toMatch(message);
      expect(trpc.error.message).not.toContain('[');
      const v1 = await v1Error(input);
      expect(v1.status).toBe(400);
      expect(v1.error.code).toBe('invalid_input');
      expect(v1.error.message).toBe(trpc.error.message);
    }
  });
});
