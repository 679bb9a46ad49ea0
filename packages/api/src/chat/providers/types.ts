import type { Passage } from '../../rag/retriever.ts';
import type { ProviderName, Usage } from '../types.ts';

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ProviderRequest {
  messages: PromptMessage[];
  /** The user's question and the passages retrieved for it (the extractive provider's input). */
  question: string;
  passages: Passage[];
}

export type ProviderChunk =
  | { type: 'delta'; text: string }
  | { type: 'finish'; finishReason: string; usage?: Usage };

export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  /** Streams the answer; throws ProviderError on failure and ProviderAborted when `signal` fires. */
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk>;
}

export interface ProviderTimeouts {
  /** Until the response headers arrive. */
  connectMs: number;
  /** From the request until the first content token. */
  firstTokenMs: number;
  /** Longest silence between two chunks once tokens flow. */
  idleMs: number;
  /** The whole answer. */
  totalMs: number;
}
