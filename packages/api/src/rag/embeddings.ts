import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

export interface EmbeddingsConfig {
  baseURL: string;
  model: string;
  apiKey: string | null;
}

/** Inputs per request, and characters per input (longer chunk text is cut). */
const BATCH = 64;
const MAX_INPUT_CHARS = 8_000;
const INTERACTIVE_TIMEOUT_MS = 5_000;

export class EmbeddingsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddingsError';
  }
}

/** Vectors from an OpenAI-compatible `/embeddings` endpoint. */
export class EmbeddingsClient {
  readonly model: string;
  readonly #client: OpenAI;

  constructor(config: EmbeddingsConfig, { timeoutMs = 30_000 } = {}) {
    this.model = config.model;
    this.#client = new OpenAI({
      baseURL: config.baseURL,
      // Local servers need no key, but the SDK insists on one.
      apiKey: config.apiKey ?? 'no-key',
      maxRetries: 2,
      timeout: timeoutMs,
    });
  }

  /**
   * One vector per input, in order; throws EmbeddingsError on any failure or malformed answer.
   * `interactive` calls (a search waiting on it) get no retries and a short timeout.
   */
  async embed(
    inputs: readonly string[],
    { signal, interactive = false }: { signal?: AbortSignal; interactive?: boolean } = {},
  ): Promise<Float32Array[]> {
    const requestOptions = {
      ...(signal ? { signal } : {}),
      ...(interactive ? { maxRetries: 0, timeout: INTERACTIVE_TIMEOUT_MS } : {}),
    };
    const vectors: Float32Array[] = [];
    for (let i = 0; i < inputs.length; i += BATCH) {
      const batch = inputs.slice(i, i + BATCH).map((t) => t.slice(0, MAX_INPUT_CHARS) || ' ');
      let response: OpenAI.CreateEmbeddingResponse;
      try {
        response = await this.#client.embeddings.create(
          { model: this.model, input: batch, encoding_format: 'float' },
          requestOptions,
        );
      } catch (error) {
        throw new EmbeddingsError('the embeddings endpoint failed', { cause: error });
      }
      const data = [...response.data].sort((a, b) => a.index - b.index);
      if (data.length !== batch.length) {
        throw new EmbeddingsError(`expected ${batch.length} embeddings, got ${data.length}`);
      }
      for (const item of data) {
        const vector = Float32Array.from(item.embedding);
        if (vector.length === 0 || vector.some((x) => !Number.isFinite(x))) {
          throw new EmbeddingsError('the embeddings endpoint returned an invalid vector');
        }
        vectors.push(vector);
      }
    }
    const dimensions = vectors[0]?.length;
    if (vectors.some((v) => v.length !== dimensions)) {
      throw new EmbeddingsError('the embeddings endpoint returned vectors of different sizes');
    }
    return vectors;
  }
}

/** The text embedded for a chunk: its title path, then its body. */
export function embeddingInput(chunk: { title: string; body: string }): string {
  return `${chunk.title}\n\n${chunk.body}`;
}

/**
 * Embeddings settings from `EMBEDDINGS_BASE_URL`, `EMBEDDINGS_MODEL` and `EMBEDDINGS_API_KEY` (or
 * `EMBEDDINGS_API_KEY_FILE`, a Docker secret), for programs outside the server (the CLI);
 * null when not configured.
 */
export function embeddingsConfigFromEnv(env: NodeJS.ProcessEnv): EmbeddingsConfig | null {
  const { EMBEDDINGS_BASE_URL: baseURL, EMBEDDINGS_MODEL: model } = env;
  if (!baseURL || !model) return null;
  const keyFile = env.EMBEDDINGS_API_KEY_FILE;
  const apiKey = keyFile ? readFileSync(keyFile, 'utf8').trim() : (env.EMBEDDINGS_API_KEY ?? null);
  return { baseURL, model, apiKey: apiKey || null };
}
