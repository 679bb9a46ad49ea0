import type { CircuitBreaker } from './circuit-breaker.ts';
import { ProviderAborted, ProviderError } from './providers/failure.ts';
import type { Provider, ProviderChunk, ProviderRequest } from './providers/types.ts';
import type { ProviderName } from './types.ts';

export interface ChainLink {
  provider: Provider;
  /** Absent for providers that cannot fail in ways worth tripping over (extractive). */
  breaker?: CircuitBreaker;
}

export interface ChainObserver {
  onFailure?(name: ProviderName, error: ProviderError): void;
  onSuccess?(name: ProviderName): void;
}

/** The stream broke after tokens were sent: the answer cannot be silently restarted. */
export class StreamBrokenError extends Error {
  readonly provider: ProviderName;
  override readonly cause: ProviderError;
  constructor(provider: ProviderName, cause: ProviderError) {
    super(`${provider} failed mid-stream: ${cause.reason}`);
    this.name = 'StreamBrokenError';
    this.provider = provider;
    this.cause = cause;
  }
}

/** Every provider failed (or was skipped) before producing a token. */
export class NoProviderError extends Error {
  readonly failures: { provider: ProviderName; error: ProviderError }[];
  constructor(failures: { provider: ProviderName; error: ProviderError }[]) {
    super('no provider could answer');
    this.name = 'NoProviderError';
    this.failures = failures;
  }
}

export interface ChainChunk {
  provider: Provider;
  chunk: ProviderChunk;
}

/**
 * Tries each provider in order. A failure before the first token moves on transparently; after
 * it, the stream ends with StreamBrokenError so no text is duplicated or lost.
 */
export class ProviderChain {
  readonly links: ChainLink[];
  private readonly observer: ChainObserver;

  constructor(links: ChainLink[], observer: ChainObserver = {}) {
    this.links = links;
    this.observer = observer;
  }

  async *stream(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ChainChunk> {
    const failures: { provider: ProviderName; error: ProviderError }[] = [];
    for (const { provider, breaker } of this.links) {
      if (signal.aborted) throw new ProviderAborted();
      if (breaker && !breaker.tryAcquire()) {
        failures.push({
          provider: provider.name,
          error: new ProviderError('disabled', 'circuit open'),
        });
        continue;
      }
      const iterator = provider.stream(request, signal)[Symbol.asyncIterator]();
      let first: ProviderChunk | undefined;
      try {
        first = await firstContent(iterator);
      } catch (error) {
        if (error instanceof ProviderAborted || signal.aborted) {
          breaker?.release();
          throw new ProviderAborted();
        }
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError('stream_error', 'provider failed');
        breaker?.failure(failure.reason === 'rate_limited' ? (failure.retryAfterMs ?? 0) : 0);
        this.observer.onFailure?.(provider.name, failure);
        failures.push({ provider: provider.name, error: failure });
        continue;
      }
      breaker?.success();
      this.observer.onSuccess?.(provider.name);
      yield { provider, chunk: first };
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield { provider, chunk: next.value };
        }
      } catch (error) {
        if (error instanceof ProviderAborted || signal.aborted) throw new ProviderAborted();
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError('stream_error', 'provider failed');
        breaker?.failure();
        this.observer.onFailure?.(provider.name, failure);
        throw new StreamBrokenError(provider.name, failure);
      } finally {
        await iterator.return?.();
      }
    }
    throw new NoProviderError(failures);
  }
}

/** Reads up to the first non-empty delta; an answer that finishes without one is a failure. */
async function firstContent(iterator: AsyncIterator<ProviderChunk>): Promise<ProviderChunk> {
  for (;;) {
    const next = await iterator.next();
    if (next.done || next.value.type === 'finish') {
      await iterator.return?.();
      throw new ProviderError('stream_error', 'the provider answered with no tokens');
    }
    if (next.value.text.length > 0) return next.value;
  }
}
