import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS } from '../train/data.ts';

// The development sets, when they are on this machine (`GUARDRAILS_DATASETS` or ../shared).
const dataDir = join(DATASETS, 'guardrails');

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
