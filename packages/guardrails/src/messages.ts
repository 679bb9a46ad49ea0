import { analyzeInjection } from './injection/detect.ts';

/** The guardrails verdict on a conversation, as reported to clients (SPEC 2.3). */
export interface Guardrails {
  flagged: boolean;
  blocked: boolean;
  reason: string | null;
  patterns: string[];
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface CheckOptions {
  mode: 'enforce' | 'log';
  /** Development only: flag but never block. */
  allowUnsafe?: boolean;
}

/** Recent user turns read together, so an instruction split across messages is still seen. */
const JOINED_TURNS = 3;

/**
 * Scans what the user wrote: every user message of the conversation (each one is sent to the
 * model again, so an injection earlier in the history is still live), and the last few user turns
 * joined. Assistant turns are the model's own output and are not scanned: flagging an earlier
 * answer that discussed an attack would block every follow-up question. User messages are direct
 * input, so the rules for injections hidden in retrieved documents do not apply to them.
 */
export function checkMessages(messages: readonly ChatMessage[], options: CheckOptions): Guardrails {
  const userTurns = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const texts = [...userTurns];
  if (userTurns.length > 1) texts.push(userTurns.slice(-JOINED_TURNS).join('\n'));

  const patterns = new Set<string>();
  let flagged = false;
  for (const text of texts) {
    const result = analyzeInjection(text, { documents: false });
    if (!result.flagged) continue;
    flagged = true;
    for (const label of result.patterns) patterns.add(label);
  }
  const labels = [...patterns];
  return {
    flagged,
    blocked: flagged && options.mode === 'enforce' && options.allowUnsafe !== true,
    reason: flagged
      ? `possible prompt injection (${labels.join(', ') || 'combined signals'})`
      : null,
    patterns: labels,
  };
}
