/** Stable, human-readable names of what a text was flagged for. */
export const LABELS = [
  'override-instructions',
  'system-prompt-extraction',
  'role-play-jailbreak',
  'tool-abuse',
  'indirect-instruction',
  'fake-system-message',
  'encoded-payload',
  'obfuscation',
  'injection-intent',
  'judged-injection',
] as const;

export type Label = (typeof LABELS)[number];
