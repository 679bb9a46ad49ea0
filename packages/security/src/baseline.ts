import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cspTemplate } from './csp.ts';
import type { HeaderList } from './headers.ts';

/** The committed baseline: the served security headers, hash values blanked. */
export const baselinePath = fileURLToPath(new URL('../policy-baseline.txt', import.meta.url));

/** One `name: value` line per header, names lower-cased, sorted; CSP hashes blanked. */
export function policyLines(headers: HeaderList): string[] {
  return headers
    .map(([name, value]) => {
      const lower = name.toLowerCase();
      return `${lower}: ${lower === 'content-security-policy' ? cspTemplate(value) : value}`;
    })
    .sort();
}

export function readBaseline(path = baselinePath): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

export function writeBaseline(lines: string[], path = baselinePath): void {
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Human-readable differences; empty when the policy matches the baseline. */
export function diffPolicy(expected: string[], actual: string[]): string[] {
  const missing = expected.filter((line) => !actual.includes(line)).map((l) => `- ${l}`);
  const extra = actual.filter((line) => !expected.includes(line)).map((l) => `+ ${l}`);
  return [...missing, ...extra];
}
