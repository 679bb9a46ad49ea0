import { describe, expect, it } from 'vitest';
import { createBastionClient, errorReason, streamChat } from '../../src/client/index.ts';

const QUESTION = { messages: [{ role: 'user' as const, content: 'What is Bastion?' }] };

/** A client whose every HTTP call gets `response` (a proxy's or a router's own refusal). */
function clientAnswering(response: () => Response) {
  return createBastionClient({ url: 'http://bastion.invalid', fetch: async () => response() });
}

describe('the typed client names why a call failed', () => {
  it('reads an HTTP refusal without a reason by its status, not as an unreachable server', async () => {
    const limited = clientAnswering(() =>
      Response.json({ error: { message: 'Too Many Requests' } }, { status: 429 }),
    );
    const outcome = await streamChat(limited, QUESTION);
    expect(outcome.error).toMatchObject({ code: 'rate_limited', retryable: true });

    const tooLong = clientAnswering(() =>
      Response.json({ error: { message: 'Malformed request' } }, { status: 414 }),
    );
    const refused = await tooLong.rag.collections.query().catch((e: unknown) => e);
    expect(errorReason(refused)).toBe('invalid_input');
  });

  it('reports a gateway error or no answer at all as network_error', async () => {
    const gateway = clientAnswering(() =>
      Response.json({ error: { message: 'Bad Gateway' } }, { status: 502 }),
    );
    expect((await streamChat(gateway, QUESTION)).error).toMatchObject({
      code: 'network_error',
      retryable: true,
    });
    const down = createBastionClient({
      url: 'http://bastion.invalid',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect((await streamChat(down, QUESTION)).error?.code).toBe('network_error');
  });
});
