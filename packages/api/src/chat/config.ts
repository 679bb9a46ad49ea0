import type { ChatLimits } from './limits.ts';
import type { ProviderTimeouts } from './providers/types.ts';

export interface ModelEndpoint {
  baseURL: string;
  model: string;
  apiKey: string | null;
}

/** Everything chat needs from the environment (parsed and validated by the host). */
export interface ChatConfig {
  /** null when DISABLE_PRIMARY is set. */
  primary: (ModelEndpoint & { pullOnStart: boolean }) | null;
  /** Shown in status even when disabled. */
  primaryDisplay: { baseURL: string; model: string };
  /** null unless an OpenAI key is configured. */
  fallback: ModelEndpoint | null;
  extractive: boolean;
  timeouts: ProviderTimeouts;
  breaker: { threshold: number; cooldownMs: number };
  guardrails: { mode: 'enforce' | 'log'; allowUnsafe: boolean };
  systemPrompt: string;
  historyTokens: number;
  passages: number;
  resumeGraceMs: number;
  /** Rate and in-progress caps on answers and streams (every chat path). */
  limits: ChatLimits;
}
