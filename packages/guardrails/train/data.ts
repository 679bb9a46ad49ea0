// The labelled injection data the model is trained and evaluated on, and the source families
// that leave-one-source-out holds out together. Data lives beside the repository
// (`/work/shared/datasets`, `GUARDRAILS_DATASETS` overrides); nothing here is copied into source.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatedRows } from './generated.ts';

export const DATASETS =
  process.env.GUARDRAILS_DATASETS ??
  resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets');
const POOL = join(DATASETS, 'guardrails-train', 'injection-train.jsonl');
const DEV = join(DATASETS, 'guardrails', 'injection.jsonl');

export interface Row {
  id: string;
  text: string;
  label: 0 | 1;
  kind: string;
  source: string;
  /** Upstream projects the text came from; a fold holding one out drops every row naming it. */
  families: string[];
}

// Two-word project names; every other source is `<project>-<part>`.
const PROJECTS = ['llm-guard', 'self-instruct', 'mt-bench'];

/** `garak-latentinjection` → `garak`, `bipia-email+attack` → `bipia`. */
export function family(source: string): string {
  const project = PROJECTS.find((p) => source.startsWith(p));
  return project ?? (source.split(/[-+]/)[0] as string);
}

/**
 * The families of a pool source: `composed:<context>+<payload>` names both, `augmented:task+…`
 * also its GPTeacher host request, `augmented:obfuscated+…` the base it obfuscated.
 */
export function families(source: string): string[] {
  if (!source.includes(':')) return [family(source)];
  const [how, parts] = source.split(':');
  const found = (parts as string).split('+').map(family);
  if (how === 'augmented' && found[0] === 'task') found[0] = 'gpteacher';
  if (how === 'augmented' && found[0] === 'obfuscated') found.shift();
  return [...new Set(found)];
}

function read(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function toRow(raw: Record<string, unknown>, extraFamily?: string): Row {
  const source = String(raw.source);
  return {
    id: String(raw.id),
    text: String(raw.text),
    label: raw.label === 'injection' ? 1 : 0,
    kind: String(raw.kind),
    source,
    families: extraFamily ? [extraFamily, ...families(source)] : families(source),
  };
}

export const hasData = (): boolean => existsSync(POOL) && existsSync(DEV);

/** The licensed pool (guardrails-train). */
export const poolRows = (): Row[] => read(POOL).map((raw) => toRow(raw));
/** The development set, as one more source (`dev`) on top of its rows' own projects. */
export const devRows = (): Row[] => read(DEV).map((raw) => toRow(raw, 'dev'));

/** Everything the shipped model is trained on. */
export function trainingRows(): Row[] {
  return [...poolRows(), ...devRows(), ...generatedRows()];
}
