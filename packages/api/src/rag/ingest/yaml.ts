import { CORE_SCHEMA, load } from 'js-yaml';

/** Flow collections (`[`, `{`) nested deeper than this, or indentation past it, read as text. */
const MAX_NESTING = 64;

/**
 * Bracket depth and indentation of YAML text in one linear pass. Brackets inside quotes count
 * too: an overestimate only sends a document to the plain-text path.
 */
function tooDeep(text: string): boolean {
  let depth = 0;
  let indent = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && c === 32) {
      if (++indent > MAX_NESTING * 4) return true;
      continue;
    }
    lineStart = false;
    if (c === 91 || c === 123) {
      if (++depth > MAX_NESTING) return true;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return false;
}

export class TooDeepError extends Error {
  constructor() {
    super(`YAML nested deeper than ${MAX_NESTING} levels`);
    this.name = 'TooDeepError';
  }
}

/**
 * Parses YAML with the core schema (plain data: no custom types, timestamps stay strings). Parsers spend time per nesting level on
 * every node (quadratic on deep nesting), so deeply nested text is refused before parsing.
 * Aliases come back as shared references: whoever walks the result must bound the walk.
 */
export function parseYaml(text: string): unknown {
  if (tooDeep(text)) throw new TooDeepError();
  return load(text, { schema: CORE_SCHEMA });
}
