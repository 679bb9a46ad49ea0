import type { GuardrailsReport, ServedBy, Source } from '@bastion/api/client';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | 'done' | 'error' | 'stopped';
  requestId?: string;
  /** Proves to `feedback.submit` that this browser was given the answer (from its meta event). */
  feedbackToken?: string;
  servedBy?: ServedBy;
  grounded?: boolean;
  sources?: Source[];
  guardrails?: GuardrailsReport;
  error?: { code: string; message: string; retryable?: boolean; retryAfterMs?: number };
  feedback?: 'up' | 'down';
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: ChatMessage[];
}

/** What is kept in the browser between visits. */
export interface SavedState {
  conversations: Conversation[];
  activeId: string | null;
  collection: string | null;
}
