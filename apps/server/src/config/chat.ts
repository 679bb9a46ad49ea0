import { readFileSync } from 'node:fs';
import { type ChatConfig, DEFAULT_SYSTEM_PROMPT } from '@bastion/api';
import { z } from 'zod';
import { defineSection, envFlag, nodeEnv, readSecret, url } from './section.ts';

/**
 * The OpenAI fallback is optional, and compose always mounts its secret: an absent or empty file
 * means no fallback (main.ts logs it), not a configuration error. An unreadable one still is.
 */
function optionalSecretFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() ? file : undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : file;
  }
}

const ms = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(3_600_000)
    .default(fallback);
const count = (fallback: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int().min(1).max(max).default(fallback);

export const chatSection = defineSection(
  {
    PRIMARY_BASE_URL: url.default('http://127.0.0.1:11434/v1'),
    PRIMARY_MODEL: z.string().min(1).max(200).default('llama3.2'),
    PRIMARY_API_KEY: z.string().optional(),
    PRIMARY_API_KEY_FILE: z.string().optional(),
    DISABLE_PRIMARY: envFlag(false),
    PRIMARY_PULL_ON_START: envFlag(false),
    FALLBACK_BASE_URL: url.default('https://api.openai.com/v1'),
    FALLBACK_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_API_KEY_FILE: z.string().optional(),
    EXTRACTIVE_FALLBACK: envFlag(true),
    GUARDRAILS_MODE: z.enum(['enforce', 'log']).default('enforce'),
    ALLOW_UNSAFE: envFlag(false),
    LLM_CONNECT_TIMEOUT_MS: ms(5_000),
    LLM_FIRST_TOKEN_TIMEOUT_MS: ms(30_000),
    LLM_IDLE_TIMEOUT_MS: ms(20_000),
    LLM_TOTAL_TIMEOUT_MS: ms(180_000),
    LLM_BREAKER_THRESHOLD: count(3, 100),
    LLM_BREAKER_COOLDOWN_MS: ms(30_000),
    CHAT_SYSTEM_PROMPT: z.string().min(1).max(8_000).optional(),
    CHAT_HISTORY_TOKENS: count(3_000, 100_000),
    CHAT_PASSAGES: count(4, 20),
    CHAT_RESUME_GRACE_MS: ms(10_000),
    CHAT_MAX_ACTIVE: count(2_000, 100_000),
    CHAT_MAX_ACTIVE_PER_CALLER: count(4, 10_000),
    CHAT_MAX_STREAMS_PER_CALLER: count(16, 10_000),
    NODE_ENV: nodeEnv,
  },
  (e, problem): ChatConfig => {
    if (e.ALLOW_UNSAFE && e.NODE_ENV === 'production') {
      problem('ALLOW_UNSAFE', 'is refused when NODE_ENV=production');
    }
    const primaryKey = readSecret(
      'PRIMARY_API_KEY',
      e.PRIMARY_API_KEY,
      e.PRIMARY_API_KEY_FILE,
      problem,
    );
    const openaiKey = readSecret(
      'OPENAI_API_KEY',
      e.OPENAI_API_KEY,
      optionalSecretFile(e.OPENAI_API_KEY_FILE),
      problem,
    );
    return {
      primary: e.DISABLE_PRIMARY
        ? null
        : {
            baseURL: e.PRIMARY_BASE_URL,
            model: e.PRIMARY_MODEL,
            apiKey: primaryKey,
            pullOnStart: e.PRIMARY_PULL_ON_START,
          },
      primaryDisplay: { baseURL: e.PRIMARY_BASE_URL, model: e.PRIMARY_MODEL },
      fallback: openaiKey
        ? { baseURL: e.FALLBACK_BASE_URL, model: e.FALLBACK_MODEL, apiKey: openaiKey }
        : null,
      extractive: e.EXTRACTIVE_FALLBACK,
      timeouts: {
        connectMs: e.LLM_CONNECT_TIMEOUT_MS,
        firstTokenMs: e.LLM_FIRST_TOKEN_TIMEOUT_MS,
        idleMs: e.LLM_IDLE_TIMEOUT_MS,
        totalMs: e.LLM_TOTAL_TIMEOUT_MS,
      },
      breaker: { threshold: e.LLM_BREAKER_THRESHOLD, cooldownMs: e.LLM_BREAKER_COOLDOWN_MS },
      guardrails: { mode: e.GUARDRAILS_MODE, allowUnsafe: e.ALLOW_UNSAFE },
      systemPrompt: e.CHAT_SYSTEM_PROMPT ?? DEFAULT_SYSTEM_PROMPT,
      historyTokens: e.CHAT_HISTORY_TOKENS,
      passages: e.CHAT_PASSAGES,
      resumeGraceMs: e.CHAT_RESUME_GRACE_MS,
      limits: {
        // RATE_LIMIT_CHAT is parsed with RATE_LIMIT_API (security section); the server hands
        // it to chat, which counts it per answer started.
        rate: null,
        maxActive: e.CHAT_MAX_ACTIVE,
        maxActivePerCaller: e.CHAT_MAX_ACTIVE_PER_CALLER,
        maxStreamsPerCaller: e.CHAT_MAX_STREAMS_PER_CALLER,
      },
    };
  },
);
