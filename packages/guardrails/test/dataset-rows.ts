import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The development sets, when they are on this machine (`GUARDRAILS_DATA_DIR` or ../shared).
const dataDir =
  process.env.GUARDRAILS_DATA_DIR ??
  resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets', 'guardrails');

export const datasetsPresent =
  existsSync(join(dataDir, 'secrets.jsonl')) && existsSync(join(dataDir, 'injection.jsonl'));

export const rows = (file: string): Array<Record<string, string | null | undefined>> =>
  readFileSync(join(dataDir, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

/** A secrets row's text (stored base64-encoded). */
export const decode = (value: string | null | undefined): string =>
  Buffer.from(value ?? '', 'base64').toString('utf8');
