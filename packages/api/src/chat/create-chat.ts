import type { Retriever } from '../rag/retriever.ts';
import { type ChatLogger, ChatService } from './chat-service.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { ChatConfig } from './config.ts';
import { type ChatLimiter, MemoryChatLimiter } from './limits.ts';
import { LlmHealth } from './llm-status.ts';
import { ChatMetrics } from './metrics.ts';
import { type ChainLink, ProviderChain } from './provider-chain.ts';
import { ExtractiveProvider } from './providers/extractive.ts';
import { OpenAICompatibleProvider } from './providers/openai-compatible.ts';
import { ChatRuns } from './runs.ts';
import type { SharedRuns } from './shared-runs.ts';

export interface Chat {
  service: ChatService;
  health: LlmHealth;
  metrics: ChatMetrics;
  /** The mode in force: `log` when enforcement is off (ALLOW_UNSAFE). */
  guardrailsMode: 'enforce' | 'log';
}

/** Assembles the provider chain, health tracking and the chat service from config. */
export function createChat(
  config: ChatConfig,
  retriever: Retriever,
  log: ChatLogger,
  options: {
    defaultMetrics?: boolean;
    /** REDIS_URL: limits and runs shared by every replica (in this process when absent). */
    shared?: { limiter: ChatLimiter; runs: SharedRuns } | null;
  } = {},
): Chat {
  const metrics = new ChatMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const links: ChainLink[] = [];
  const breaker = () => new CircuitBreaker(config.breaker);
  const primary = config.primary
    ? new OpenAICompatibleProvider({
        name: 'primary',
        ...config.primary,
        timeouts: config.timeouts,
      })
    : null;
  const primaryBreaker = primary ? breaker() : null;
  if (primary && primaryBreaker) links.push({ provider: primary, breaker: primaryBreaker });
  if (config.fallback) {
    links.push({
      provider: new OpenAICompatibleProvider({
        name: 'fallback',
        ...config.fallback,
        timeouts: config.timeouts,
      }),
      breaker: breaker(),
    });
  }
  if (config.extractive) links.push({ provider: new ExtractiveProvider() });

  const health = new LlmHealth({
    primary,
    primaryBreaker,
    primaryBaseUrl: config.primaryDisplay.baseURL,
    primaryModel: config.primaryDisplay.model,
    fallbackModel: config.fallback?.model ?? null,
    extractive: config.extractive,
    pullOnStart: config.primary?.pullOnStart ?? false,
  });
  const chain = new ProviderChain(links, {
    onFailure(name, error) {
      health.recordFailure(name, error);
      metrics.providerFailed(name, error.reason);
      log.warn({ provider: name, reason: error.reason, status: error.status }, 'provider failed');
    },
    onSuccess: (name) => health.recordSuccess(name),
  });
  const service = new ChatService({
    chain,
    retriever,
    metrics,
    // In-progress runs are capped by the limiter; finished ones are kept a minute for resumes.
    runs: new ChatRuns({ retainMs: 60_000, maxRuns: config.limits.maxActive * 2 }),
    limiter: options.shared?.limiter ?? new MemoryChatLimiter(config.limits),
    shared: options.shared?.runs ?? null,
    guardrails: config.guardrails,
    systemPrompt: config.systemPrompt,
    historyTokens: config.historyTokens,
    passages: config.passages,
    resumeGraceMs: config.resumeGraceMs,
    log,
  });
  const { mode, allowUnsafe } = config.guardrails;
  return { service, health, metrics, guardrailsMode: allowUnsafe ? 'log' : mode };
}
