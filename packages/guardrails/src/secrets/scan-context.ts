import type { PemBodyState } from './pem-body.ts';

/** A span of the scanned text that must be redacted, and what it is. */
export interface Finding {
  start: number;
  end: number;
  type: string;
}

/** A private-key block that has been recognised but whose end has not arrived yet. */
export interface OpenPemBlock {
  start: number;
  /** Everything before this index (from `start`) belongs to the block. */
  resumeAt: number;
  state: PemBodyState;
}

/**
 * What every rule reads and writes while scanning one text. Rules report findings that start at
 * or after `from` (earlier text is context they may look back into) and, when the text may still
 * grow (`final` false), lower `frontier` to the start of anything they cannot decide yet.
 */
export interface ScanContext {
  readonly text: string;
  readonly from: number;
  readonly final: boolean;
  readonly findings: Finding[];
  frontier: number;
  openPem: OpenPemBlock | null;
}

export function holdFrom(ctx: ScanContext, index: number): void {
  if (index < ctx.frontier) ctx.frontier = index;
}

/** Longest distance any rule looks back from the start of a finding. */
export const LOOKBEHIND = 256;
