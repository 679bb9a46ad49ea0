import type { Reason } from '../errors.ts';

export type ServedBy = 'primary' | 'fallback' | 'extractive' | 'guardrails';
export type ProviderName = Exclude<ServedBy, 'guardrails'>;

export interface Source {
  id: string;
  title: string;
  path: string;
  url?: string;
  snippet: string;
}

export interface GuardrailsReport {
  flagged: boolean;
  blocked: boolean;
  reason: string | null;
  patterns: string[];
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface Timings {
  firstTokenMs: number;
  totalMs: number;
}

export type ChatEvent =
  | {
      type: 'meta';
      requestId: string;
      servedBy: ServedBy;
      model: string;
      grounded: boolean;
      sources: Source[];
      guardrails: GuardrailsReport;
      /** For `feedback.submit` on this answer; sent to its starter only. */
      feedbackToken?: string;
    }
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      servedBy: ServedBy;
      finishReason: string;
      usage?: Usage;
      timings: Timings;
    }
  | { type: 'error'; code: Reason; message: string; retryable: boolean; retryAfterMs?: number };

export interface ChatCompletion {
  requestId: string;
  servedBy: ServedBy;
  model: string;
  content: string;
  grounded: boolean;
  sources: Source[];
  guardrails: GuardrailsReport;
  finishReason: string;
  usage?: Usage;
  timings: Timings;
  /** For `feedback.submit` on this answer. */
  feedbackToken?: string;
}
