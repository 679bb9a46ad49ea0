import { createParser } from 'eventsource-parser';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ProviderError } from './failure.ts';

/**
 * The most characters one event (its unfinished line, its data lines so far) may hold: a real
 * chunk is a few hundred bytes, and the parser would otherwise buffer a line that never ends.
 */
export const MAX_EVENT_CHARS = 1024 * 1024;

/**
 * Decodes an OpenAI-style SSE body into completion chunks, one batch per network read: a burst of
 * tokens costs one pass downstream, tokens that trickle in go out one by one. Ends at `[DONE]`;
 * what was decoded before a malformed, error or over-long (`MAX_EVENT_CHARS`) event is delivered
 * before the failure is thrown.
 */
export async function* completionChunks(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ChatCompletionChunk[]> {
  const decoder = new TextDecoder();
  let batch: ChatCompletionChunk[] = [];
  let done = false;
  let failure: ProviderError | null = null;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onError(error) {
      // Other parse errors (an unknown field, a bad retry) are ignored, as the standard says.
      if (error.type === 'max-buffer-size-exceeded') {
        failure ??= new ProviderError('stream_error', 'the provider sent an over-long event');
      }
    },
    onEvent(event) {
      if (done || failure) return;
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      let chunk: ChatCompletionChunk & { error?: unknown };
      try {
        chunk = JSON.parse(event.data);
      } catch {
        failure = new ProviderError('stream_error', 'the provider sent a malformed chunk');
        return;
      }
      if (event.event === 'error' || chunk.error) {
        failure = new ProviderError('stream_error', 'the provider reported an error mid-stream');
        return;
      }
      batch.push(chunk);
    },
  });
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
    if (failure) throw failure;
    if (done) return;
  }
}
