import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * One feature's slice of the environment: the variables it reads (a zod shape) and how they become
 * that feature's typed config. `env.ts` merges every section so all problems are reported at once.
 */
export interface ConfigSection<S extends z.ZodRawShape, T> {
  shape: S;
  build: (env: z.infer<z.ZodObject<S>>, problem: ReportProblem) => T;
}

/** Reports a problem that spans variables or needs I/O (a `_FILE` that cannot be read…). */
export type ReportProblem = (variable: string, message: string) => void;

export function defineSection<S extends z.ZodRawShape, T>(
  shape: S,
  build: (env: z.infer<z.ZodObject<S>>, problem: ReportProblem) => T,
): ConfigSection<S, T> {
  return { shape, build };
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FLAG_VALUES = [...TRUE, '0', 'false', 'no', 'off', ''] as const;

/** A boolean variable: `1/true/yes/on` or `0/false/no/off/empty` (any case); unset → `fallback`. */
export function envFlag(fallback: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(FLAG_VALUES, { error: 'must be 1/0, true/false, yes/no or on/off' }))
    .optional()
    .transform((v) => (v === undefined ? fallback : TRUE.includes(v)));
}

export const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

/**
 * A secret given directly (`NAME`) or as a file (`NAME_FILE`, e.g. a Docker secret); never both.
 * Returns null when neither is set.
 */
export function readSecret(
  name: string,
  value: string | undefined,
  file: string | undefined,
  problem: ReportProblem,
): string | null {
  if (value && file) {
    problem(name, `set either ${name} or ${name}_FILE, not both`);
    return null;
  }
  if (file) {
    try {
      const secret = readFileSync(file, 'utf8').trim();
      if (!secret) problem(`${name}_FILE`, 'the file is empty');
      return secret || null;
    } catch {
      problem(`${name}_FILE`, 'cannot read the file');
      return null;
    }
  }
  return value?.trim() || null;
}

export const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');
