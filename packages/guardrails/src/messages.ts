import { type AnalyzeOptions, analyzeInjection, type InjectionResult } from './injection/detect.ts';

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

/** Reads one text for injection; `analyzeInjection` unless the caller remembers verdicts. */
export type InjectionScanner = (text: string, options: AnalyzeOptions) => InjectionResult;

export interface CheckOptions {
  mode: 'enforce' | 'log';
  /** Development only: flag but never block. */
  allowUnsafe?: boolean;
  /**
   * The turns the model will read, in order (the prompt's history window); read together as one
   * text. Default: the whole conversation.
   */
  window?: readonly ChatMessage[];
  /** Reads each text; a cache keyed by the exact text and options gives the same verdicts. */
  scan?: InjectionScanner;
}

/**
 * Between two turns read together: blank lines are a word and sentence boundary for every rule and
 * for the model, so the last word of one turn never fuses with the first word of the next.
 */
export const TURN_SEPARATOR = '\n\n';
/** Most characters of the joined window read at once (the default history window is 12,000). */
export const JOINED_SLICE_CHARS = 16_000;
/** Slices of a longer window overlap by this much: a split instruction this long is read whole. */
export const JOINED_OVERLAP_CHARS = 4_000;

/**
 * The joined window as the texts the detector reads: the whole of it when it fits one slice,
 * otherwise overlapping slices laid from its end (the newest turns are read in one piece).
 */
export function joinedSlices(window: readonly ChatMessage[]): string[] {
  const joined = window.map((m) => m.content).join(TURN_SEPARATOR);
  if (joined.length <= JOINED_SLICE_CHARS) return [joined];
  const slices: string[] = [];
  const step = JOINED_SLICE_CHARS - JOINED_OVERLAP_CHARS;
  for (let end = joined.length; ; end -= step) {
    const start = Math.max(0, end - JOINED_SLICE_CHARS);
    slices.push(joined.slice(start, end));
    if (start === 0) return slices;
  }
}

/**
 * Scans every turn of the conversation, since each is sent to the model again: every user message
 * (an injection earlier in the history is still live), every assistant message, and the window the
 * model reads joined in order, so an instruction split across turns of either role is read as the
 * model reads it. The history comes from the client, so an assistant turn may be forged or may
 * quote a poisoned document; on its own it is read as a document (the rules for instructions hidden
 * in content apply), a user message and the joined window as direct input: a flagged window counts
 * as a flagged user message. The reason names the labels and, when no user turn was flagged on
 * its own, says where the injection was seen (an assistant turn, or only across turns); it never
 * quotes the text.
 */
export function checkMessages(messages: readonly ChatMessage[], options: CheckOptions): Guardrails {
  const scan = options.scan ?? analyzeInjection;
  const scans: Array<{ text: string; read: 'user' | 'assistant' | 'joined' }> = messages.map(
    (m) => ({ text: m.content, read: m.role }),
  );
  const window = options.window ?? messages;
  if (window.length > 1) {
    for (const text of joinedSlices(window)) scans.push({ text, read: 'joined' });
  }

  const patterns = new Set<string>();
  const flaggedAs = new Set<'user' | 'assistant' | 'joined'>();
  for (const { text, read } of scans) {
    const result = scan(text, { documents: read === 'assistant' });
    if (!result.flagged) continue;
    flaggedAs.add(read);
    for (const label of result.patterns) patterns.add(label);
  }
  const flagged = flaggedAs.size > 0;
  const labels = [...patterns];
  const where = flaggedAs.has('user')
    ? ''
    : flaggedAs.has('assistant')
      ? ' in an assistant turn'
      : ' across turns';
  return {
    flagged,
    blocked: flagged && options.mode === 'enforce' && options.allowUnsafe !== true,
    reason: flagged
      ? `possible prompt injection${where} (${labels.join(', ') || 'combined signals'})`
      : null,
    patterns: labels,
  };
}
