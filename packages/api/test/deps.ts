import { createChat } from '../src/chat/create-chat.ts';
import { DEFAULT_SYSTEM_PROMPT } from '../src/chat/prompt.ts';
import type { ApiDeps } from '../src/context.ts';
import type { Retriever } from '../src/rag/retriever.ts';

const silent = { info() {}, warn() {} };

/** Real router dependencies with no model configured: chat answers with the extractive provider. */
export function testDeps(overrides: Partial<ApiDeps> = {}, retriever?: Retriever): ApiDeps {
  const chat = createChat(
    {
      primary: null,
      primaryDisplay: { baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.2' },
      fallback: null,
      extractive: true,
      timeouts: { connectMs: 1_000, firstTokenMs: 1_000, idleMs: 1_000, totalMs: 5_000 },
      breaker: { threshold: 3, cooldownMs: 1_000 },
      guardrails: { mode: 'enforce', allowUnsafe: false },
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      historyTokens: 1_000,
      passages: 4,
      resumeGraceMs: 0,
      limits: { rate: null, maxActive: 100, maxActivePerCaller: 100, maxStreamsPerCaller: 100 },
    },
    retriever ?? { retrieve: async () => [] },
    silent,
  );
  return {
    build: { version: '1.2.3', build: 'abc123', startedAt: Date.now() },
    isReady: () => true,
    adminEnabled: false,
    chat,
    ...overrides,
  };
}
