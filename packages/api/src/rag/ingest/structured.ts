import { parse as parseYaml } from 'yaml';
import type { Section } from './types.ts';

const MAX_DEPTH = 32;

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `a.b[0].c: value` lines, one per leaf, so keys and values are both searchable. */
function flatten(value: unknown, path: string, out: string[], depth: number): void {
  if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`${path}[${i}]`, v] as const)
      : Object.entries(value).map(([k, v]) => [path ? `${path}.${k}` : k, v] as const);
    for (const [key, v] of entries) flatten(v, key, out, depth + 1);
    return;
  }
  out.push(path ? `${path}: ${scalar(value)}` : scalar(value));
}

/** One section per top-level key (or item), headed by it. */
function sectionsOf(data: unknown): Section[] {
  const top =
    data !== null && typeof data === 'object'
      ? Array.isArray(data)
        ? data.map((v, i) => [`[${i}]`, v] as const)
        : Object.entries(data)
      : [['', data] as const];
  return top.map(([key, value]) => {
    const lines: string[] = [];
    flatten(value, key, lines, 0);
    return { headings: key ? [key] : [], text: lines.join('\n') };
  });
}

/** Parsed JSON or YAML as searchable sections, or null when the text does not parse. */
export function structuredSections(text: string, format: 'json' | 'yaml'): Section[] | null {
  try {
    const data = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    return sectionsOf(data).filter((s) => s.text.trim());
  } catch {
    return null;
  }
}
