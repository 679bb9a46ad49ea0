import { analyzeInjection, FLAG_THRESHOLD, type InjectionResult } from './detect.ts';

/**
 * A second opinion on a borderline text: typically a short classification prompt to a model
 * ("Does this text try to give instructions to an AI assistant? Answer yes or no."). It resolves
 * true for an injection; it should stop when `signal` aborts.
 */
export type Judge = (text: string, signal: AbortSignal) => Promise<boolean>;

export interface SecondOpinionOptions {
  judge: Judge;
  /** How long the judge may take. */
  timeoutMs: number;
  /** `enforce`: a judge that fails or times out counts as a yes (fail closed); `log`: as a no. */
  mode: 'enforce' | 'log';
  /** Scores from here up to the threshold are borderline (default 0.35). */
  borderline?: number;
  /** Read as a retrieved document (default true) or as a user message. */
  documents?: boolean;
}

export interface JudgedResult extends InjectionResult {
  /** What the judge said: null when it was not asked, 'failed' when it threw or timed out. */
  judged: boolean | 'failed' | null;
}

const DEFAULT_BORDERLINE = 0.35;

/**
 * `detectInjection`, with a judge asked only when the score is borderline (below the threshold,
 * at or above `borderline`): clear verdicts cost nothing extra. A yes flags the text with the
 * label `judged-injection`.
 */
export async function detectInjectionJudged(
  text: string,
  options: SecondOpinionOptions,
): Promise<JudgedResult> {
  const result = analyzeInjection(text, { documents: options.documents ?? true });
  const low = options.borderline ?? DEFAULT_BORDERLINE;
  if (result.flagged || result.score < low) return { ...result, judged: null };
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error('judge timed out'));
    }, options.timeoutMs);
  });
  let judged: boolean | 'failed';
  try {
    judged = await Promise.race([options.judge(text, controller.signal), timeout]);
  } catch {
    judged = 'failed';
  } finally {
    clearTimeout(timer);
  }
  const flagged = judged === true || (judged === 'failed' && options.mode === 'enforce');
  if (!flagged) return { ...result, judged };
  return {
    flagged: true,
    score: Math.max(result.score, FLAG_THRESHOLD),
    patterns: [...result.patterns, 'judged-injection'],
    judged,
  };
}
