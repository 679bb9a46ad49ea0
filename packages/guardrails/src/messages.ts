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
 * Scans every turn of the conversation, since each is sent to the model again: every user message
 * (an injection earlier in the history is still live), the last few user turns joined, and every
 * assistant message. The history comes from the client, so an assistant turn may be forged or may
 * quote a poisoned document; it is read as a document (the rules for instructions hidden in
 * content apply), a user message as direct input. The reason names the labels and, when only
 * assistant turns were flagged, says so; it never quotes the text.
 */
export function checkMessages(messages: readonly ChatMessage[], options: CheckOptions): Guardrails {
  const userTurns = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const scans: Array<{ text: string; documents: boolean }> = messages.map((m) => ({
    text: m.content,
    documents: m.role === 'assistant',
  }));
  if (userTurns.length > 1) {
    scans.push({ text: userTurns.slice(-JOINED_TURNS).join('\n'), documents: false });
  }

  const patterns = new Set<string>();
  let flaggedUser = false;
  let flaggedAssistant = false;
  for (const { text, documents } of scans) {
    const result = analyzeInjection(text, { documents });
    if (!result.flagged) continue;
    if (documents) flaggedAssistant = true;
    else flaggedUser = true;
    for (const label of result.patterns) patterns.add(label);
  }
  const flagged = flaggedUser || flaggedAssistant;
  const labels = [...patterns];
  const where = flaggedUser ? '' : ' in an assistant turn';
  return {
    flagged,
    blocked: flagged && options.mode === 'enforce' && options.allowUnsafe !== true,
    reason: flagged
      ? `possible prompt injection${where} (${labels.join(', ') || 'combined signals'})`
      : null,
    patterns: labels,
  };
}
