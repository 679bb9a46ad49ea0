import type { StatusSummary } from '@bastion/api';
import type { ServedBy } from '@bastion/api/client';

/**
 * One vocabulary for how answers are produced, shared by the status pill and the served-by badge.
 * The answer paths are the API's own `llm.path` values; the page adds what only it can know.
 */
export type AnswerPath = StatusSummary['llm']['path'];
export type PillState = AnswerPath | 'checking' | 'offline' | 'signed-out' | 'guest';

export const PILL_LABELS: Record<PillState, string> = {
  checking: 'Checking…',
  primary: 'Primary model',
  warming: 'Warming up',
  fallback: 'Fallback model',
  extractive: 'Knowledge base only',
  unavailable: 'Unavailable',
  offline: 'Offline',
  'signed-out': 'Signed out',
  guest: 'Guest',
};

export const PILL_DESCRIPTIONS: Record<PillState, string> = {
  checking: 'Asking the server how it answers',
  primary: 'Answers come from the primary model',
  warming: 'The primary model is loading; answers may come from the next provider meanwhile',
  fallback: 'Answers come from the fallback model',
  extractive: 'Answers from the knowledge base only: quoted passages, no model',
  unavailable: 'No provider can answer right now',
  offline: 'The server cannot be reached',
  'signed-out': 'Sign in with a key to ask questions',
  guest: 'Anonymous chat is open here; sign in with a key for its collections and limits',
};

export const SERVED_BY_LABELS: Record<ServedBy, string> = {
  primary: PILL_LABELS.primary,
  fallback: PILL_LABELS.fallback,
  extractive: PILL_LABELS.extractive,
  guardrails: 'Guardrails',
};
