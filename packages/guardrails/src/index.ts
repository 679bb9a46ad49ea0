export {
  type AnalyzeOptions,
  analyzeInjection,
  detectInjection,
  type InjectionResult,
} from './injection/detect.ts';
export { LABELS, type Label } from './injection/labels.ts';
export {
  detectInjectionJudged,
  type Judge,
  type JudgedResult,
  type SecondOpinionOptions,
} from './injection/second-opinion.ts';
export {
  type ChatMessage,
  type CheckOptions,
  checkMessages,
  type Guardrails,
  type InjectionScanner,
} from './messages.ts';
export { findCanaries } from './secrets/canary.ts';
export { type Redaction, type RedactionResult, redactSecrets } from './secrets/redact.ts';
export { createStreamRedactor, type StreamRedactor, type StreamRedactorOptions } from './stream.ts';
