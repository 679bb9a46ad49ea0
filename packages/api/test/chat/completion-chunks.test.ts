import { describe, expect, it } from 'vitest';
import { completionChunks, MAX_EVENT_CHARS } from '../../src/chat/providers/completion-chunks.ts';
import { ProviderError } from '../../src/chat/providers/failure.ts';

const enc = new TextEncoder();
const frame = (data: unknown) =>
  `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const delta = (content: string) => ({
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

async function* reads(...parts: string[]) {
  for (const part of parts) yield enc.encode(part);
}

async function texts(parts: string[]) {
  const out: string[][] = [];
  for await (const batch of completionChunks(reads(...parts))) {
    out.push(batch.map((c) => c.choices?.[0]?.delta?.content ?? ''));
  }
  return out;
}

describe('completionChunks', () => {
  it('yields one batch per network read, whatever the framing', async () => {
    const all = frame(delta('a')) + frame(delta('b')) + frame(delta('c'));
    expect(await texts([all])).toEqual([['a', 'b', 'c']]);
    // A frame split across reads is joined; a read with no complete frame yields nothing.
    expect(await texts([all.slice(0, 7), all.slice(7, 100), all.slice(100)])).toEqual([
      ['a'],
      ['b', 'c'],
    ]);
  });

  it('stops at [DONE] and ignores anything after it', async () => {
    expect(await texts([frame(delta('a')) + frame('[DONE]') + frame(delta('late'))])).toEqual([
      ['a'],
    ]);
  });

  it('keeps usage chunks whose choices are empty or null', async () => {
    const batches = [];
    for await (const b of completionChunks(
      reads(frame({ choices: null, usage: { prompt_tokens: 1 } })),
    ))
      batches.push(b);
    expect(batches[0]![0]).toMatchObject({ choices: null, usage: { prompt_tokens: 1 } });
  });

  it('delivers what came before a malformed chunk, then fails with stream_error', async () => {
    const seen: string[][] = [];
    const failure = await (async () => {
      for await (const batch of completionChunks(
        reads(frame(delta('a')) + frame('{not json') + frame(delta('b'))),
      )) {
        seen.push(batch.map((c) => c.choices?.[0]?.delta?.content ?? ''));
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual([['a']]);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).reason).toBe('stream_error');
  });

  it('fails on an error reported inside the stream', async () => {
    const failure = await (async () => {
      for await (const _ of completionChunks(reads(frame({ error: { message: 'overloaded' } })))) {
        // nothing is delivered
      }
    })().catch((e: unknown) => e);
    expect((failure as ProviderError).reason).toBe('stream_error');
  });

  it('fails with stream_error on an event that never ends, and stops reading it', async () => {
    // A line with no end (or data lines with no blank line) would be buffered without bound.
    for (const [start, piece] of [
      ['data: {"choices":"', 'a'.repeat(64 * 1024)],
      ['', `data: ${'a'.repeat(64 * 1024 - 7)}\n`],
    ] as const) {
      let read = 0;
      async function* endless() {
        yield enc.encode(frame(delta('a')) + start);
        // Bounded, so that a parser without the limit ends (and fails the test) instead of hanging.
        while (read < 4 * MAX_EVENT_CHARS) {
          read += piece.length;
          yield enc.encode(piece);
        }
      }
      const seen: string[][] = [];
      const failure = await (async () => {
        for await (const batch of completionChunks(endless())) {
          seen.push(batch.map((c) => c.choices?.[0]?.delta?.content ?? ''));
        }
      })().catch((e: unknown) => e);
      expect(seen).toEqual([['a']]);
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).reason).toBe('stream_error');
      expect(read).toBeLessThan(MAX_EVENT_CHARS + 128 * 1024);
    }
  });

  it('takes an event up to the limit', async () => {
    const long = 'x'.repeat(MAX_EVENT_CHARS - 200);
    expect(
      await texts([frame(delta(long)).slice(0, 1000), frame(delta(long)).slice(1000)]),
    ).toEqual([[long]]);
  });
});
