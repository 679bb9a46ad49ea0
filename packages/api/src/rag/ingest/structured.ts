import { DEFAULT_CHUNKING } from './chunk.ts';
import type { Section } from './types.ts';
import { parseYaml } from './yaml.ts';

const MAX_DEPTH = 32;
/** A leaf's key path is cut to this many characters: every leaf repeats its path, so a long key
 * over many leaves would otherwise grow the text quadratically. */
const MAX_PATH_CHARS = 200;
/** Flattening stops past what chunking would index anyway (each node visited costs one too, so
 * YAML aliases that share one subtree many times cannot make the walk exponential). */
const MAX_FLAT_CHARS = DEFAULT_CHUNKING.maxChars * DEFAULT_CHUNKING.maxChunks;

interface Flat {
  lines: string[];
  /** Characters left to emit. */
  budget: number;
}

/** A leaf's text; a collection past MAX_DEPTH is elided (serialising it would expand aliases). */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') return '…';
  return String(value);
}

function capped(path: string): string {
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS - 1)}…` : path;
}

/** `a.b[0].c: value` lines, one per leaf, so keys and values are both searchable. */
function flatten(value: unknown, path: string, out: Flat, depth: number): void {
  if (out.budget <= 0) return;
  out.budget--;
  if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && out.budget > 0; i++) {
        flatten(value[i], capped(`${path}[${i}]`), out, depth + 1);
      }
    } else {
      for (const k in value) {
        if (!Object.hasOwn(value, k)) continue;
        const v = (value as Record<string, unknown>)[k];
        flatten(v, capped(path ? `${path}.${k}` : k), out, depth + 1);
      }
    }
    return;
  }
  const line = path ? `${path}: ${scalar(value)}` : scalar(value);
  out.lines.push(line);
  out.budget -= line.length + 1;
}

/** One section per top-level key (or item), headed by it. */
function sectionsOf(data: unknown): Section[] {
  const top =
    data !== null && typeof data === 'object'
      ? Array.isArray(data)
        ? data.map((v, i) => [`[${i}]`, v] as const)
        : Object.entries(data)
      : [['', data] as const];
  const flat: Flat = { lines: [], budget: MAX_FLAT_CHARS };
  const sections: Section[] = [];
  for (const [key, value] of top) {
    if (flat.budget <= 0) break;
    flat.lines = [];
    flatten(value, capped(key), flat, 0);
    sections.push({ headings: key ? [capped(key)] : [], text: flat.lines.join('\n') });
  }
  return sections;
}

/** Parsed JSON or YAML as searchable sections, or null when the text does not parse. */
export function structuredSections(text: string, format: 'json' | 'yaml'): Section[] | null {
  try {
    const data = format === 'json' ? JSON.parse(text) : parseYaml(text);
    return sectionsOf(data).filter((s) => s.text.trim());
  } catch {
    return null;
  }
}
