import { describe, expect, it } from 'vitest';
import { isBusyError } from '../src/db/retry.ts';
import { ThreadClient } from '../src/rag/ingest/thread-client.ts';

const ECHO = new URL('./rag/fixtures/echo-worker.ts', import.meta.url);
const client = (timeoutMs = 30_000) =>
  new ThreadClient<string, string>(ECHO, { timeoutMs, heapMb: 64 });

describe('the worker threads ingest parses and writes on (ThreadClient)', () => {
  it('answers each call, and a thread that dies fails only what it held: the next call gets a new one', async () => {
    const thread = client();
    try {
      expect(await thread.call('a')).toBe('A');
      await expect(thread.call('crash')).rejects.toThrow(/stopped/);
      expect(await thread.call('b')).toBe('B');
    } finally {
      await thread.close();
    }
  });

  it('fails a call that takes too long and replaces the thread', async () => {
    const thread = client(5_000);
    try {
      await expect(thread.call('hang')).rejects.toThrow(/longer than 5000 ms/);
      expect(await thread.call('c')).toBe('C');
    } finally {
      await thread.close();
    }
  });

  it('keeps the code of a lock error, so callers still answer storage_busy', async () => {
    const thread = client();
    try {
      const error = await thread.call('busy').catch((e: unknown) => e);
      expect(isBusyError(error)).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it('close waits for the calls in flight', async () => {
    const thread = client();
    const pending = thread.call('d');
    await thread.close();
    expect(await pending).toBe('D');
  });
});
