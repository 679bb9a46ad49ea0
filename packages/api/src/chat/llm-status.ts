import type { CircuitBreaker } from './circuit-breaker.ts';
import type { FailureReason, ProviderError } from './providers/failure.ts';
import type { OpenAICompatibleProvider } from './providers/openai-compatible.ts';
import type { ProviderName } from './types.ts';

export type LlmPath = 'primary' | 'warming' | 'fallback' | 'extractive' | 'unavailable';

export interface LlmStatus {
  path: LlmPath;
  primary: {
    enabled: boolean;
    baseUrl: string;
    model: string;
    reachable: boolean | null;
    modelPresent: boolean | null;
    lastError: FailureReason | null;
    lastStatus: number | null;
  };
  fallback: { configured: boolean; model: string | null };
  extractive: { enabled: boolean };
}

export interface LlmStatusOptions {
  primary: OpenAICompatibleProvider | null;
  primaryBreaker: CircuitBreaker | null;
  /** Shown in status even when the primary is disabled. */
  primaryBaseUrl: string;
  primaryModel: string;
  fallbackModel: string | null;
  extractive: boolean;
  /** Ollama only: ask the server to pull the model at start. */
  pullOnStart: boolean;
  fetch?: typeof globalThis.fetch;
}

/** A URL fit for display: no credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** Ollama names `llama3.2` and `llama3.2:latest` the same model. */
function sameModel(a: string, b: string): boolean {
  const norm = (m: string) => (m.includes(':') ? m : `${m}:latest`);
  return norm(a) === norm(b);
}

/** Live state of the providers: the warm-up probe of the primary and the last failures seen. */
export class LlmHealth {
  private readonly o: LlmStatusOptions;
  private reachable: boolean | null = null;
  private modelPresent: boolean | null = null;
  private lastError: FailureReason | null = null;
  private lastStatus: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(options: LlmStatusOptions) {
    this.o = options;
  }

  /** Feed from the provider chain. */
  recordFailure(name: ProviderName, error: ProviderError): void {
    if (name !== 'primary') return;
    this.lastError = error.reason;
    this.lastStatus = error.status;
    if (error.reason === 'connect_error') this.reachable = false;
    if (error.reason === 'model_missing') this.modelPresent = false;
  }

  recordSuccess(name: ProviderName): void {
    if (name !== 'primary') return;
    this.reachable = true;
    this.modelPresent = true;
    this.lastError = null;
    this.lastStatus = 200;
  }

  /** Asks the primary for its models once; returns whether the configured model is served. */
  async probe(): Promise<boolean> {
    const primary = this.o.primary;
    if (!primary) return false;
    try {
      const models = await primary.listModels();
      this.reachable = true;
      this.modelPresent = models.some((m) => sameModel(m, primary.model));
      if (!this.modelPresent) {
        this.lastError = 'model_missing';
        this.lastStatus = 404;
      }
    } catch {
      this.reachable = false;
      this.modelPresent = null;
      this.lastError = 'connect_error';
      this.lastStatus = null;
    }
    return this.modelPresent === true;
  }

  /** Probes now and then periodically: every 10 s while warming, every 60 s once ready. */
  start(): void {
    if (!this.o.primary) return;
    if (this.o.pullOnStart) void this.pull();
    const loop = async () => {
      const ready = await this.probe();
      if (this.stopped) return;
      this.timer = setTimeout(loop, ready ? 60_000 : 10_000);
      this.timer.unref();
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** `POST /api/pull` on an Ollama server (the base URL without its /v1). */
  private async pull(): Promise<void> {
    const primary = this.o.primary!;
    const root = primary.baseURL.replace(/\/v1\/?$/, '');
    try {
      await (this.o.fetch ?? fetch)(`${root}/api/pull`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: primary.model, stream: false }),
      });
    } catch {
      // The warm-up probe reports whether the model arrived.
    }
  }

  status(): LlmStatus {
    const enabled = this.o.primary !== null;
    const primaryUp =
      enabled &&
      this.reachable === true &&
      this.modelPresent === true &&
      this.o.primaryBreaker?.state !== 'open';
    const warming =
      enabled &&
      (this.reachable === null || (this.reachable === true && this.modelPresent !== true));
    let path: LlmPath;
    if (primaryUp) path = 'primary';
    else if (warming) path = 'warming';
    else if (this.o.fallbackModel) path = 'fallback';
    else if (this.o.extractive) path = 'extractive';
    else path = 'unavailable';
    return {
      path,
      primary: {
        enabled,
        baseUrl: displayUrl(this.o.primaryBaseUrl),
        model: this.o.primaryModel,
        reachable: this.reachable,
        modelPresent: this.modelPresent,
        lastError: this.lastError,
        lastStatus: this.lastStatus,
      },
      fallback: { configured: this.o.fallbackModel !== null, model: this.o.fallbackModel },
      extractive: { enabled: this.o.extractive },
    };
  }
}
