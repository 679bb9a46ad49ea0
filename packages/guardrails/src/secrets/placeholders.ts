import { re } from '../patterns.ts';

// Values that have the shape of a credential but are not one: documentation samples, template
// placeholders, masked values and strings a person typed as a stand-in.

const CHUNK_SEPARATOR = re(/[-_.:/]/);
const MASKED = re(/\*{3}|•|…|\.{3}|#{4}|REDACTED|redacted/);
const EXAMPLE_MARKER = re(/EXAMPLE|[Ee]xample|sample|SAMPLE|placeholder|PLACEHOLDER|dummy|DUMMY/);
const LOWER_WORDS = re(/^[a-z]+(?:[-_.:,;][a-z]+)*$/);
/** An identifier in one of the styles code uses: `apiKey`, `env`, `BASTION_KEY`, `e`. */
const IDENTIFIER_SEGMENT = re(
  /^(?:[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)$/,
);
const UPPER_WORDS = re(/^[A-Z][A-Z0-9]*(?:[-_.][A-Z][A-Z0-9]*)+$/);
const CAMEL_IDENTIFIER = re(/^[a-z]+(?:[A-Z][a-z]+)+[0-9]{0,3}$/);
const PASCAL_IDENTIFIER = re(/^(?:[A-Z][a-z]+){2,}[0-9]{0,3}$/);
const TEMPLATE_START = re(/^(?:\$|%\(|#\{|\{\{|\{%|@@|__[A-Z])/);
/** `%DB_PASSWORD%`: a Windows environment variable. */
const PERCENT_VARIABLE = re(/^%[A-Za-z_][A-Za-z0-9_]*%$/);
/** `<password>`, `<your token>`: a slot to fill in. */
const ANGLE_SLOT = re(/^<[^<>]{1,64}>$/);
const VERSION = re(/^v?[0-9]{1,4}(?:\.[0-9]{1,6}){1,3}(?:[-+_][0-9A-Za-z.]{1,40})?$/);
const FILE_OR_HOST = re(
  /^(?:\.{0,2}\/|~\/)|\.(?:pem|p12|pfx|key|crt|cer|der|jks|keystore|keytab|json|ya?ml|toml|ini|txt|env|conf|cfg)$|^[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.(?:com|net|org|io|dev|internal|local|app|cloud|co|ai)(?::[0-9]{1,5})?$/,
);

/** A run of one character repeated `n` times, or `x`/`X` four times (the usual filler). */
function hasFillerRun(value: string, n: number): boolean {
  let run = 1;
  let xRun = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    xRun = c === 120 || c === 88 ? xRun + 1 : 0;
    if (xRun >= 4) return true;
    run = i > 0 && c === value.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= n) return true;
  }
  return false;
}

/** `abcde`, `12345`, `lmnop`, `98765`: sequences people type, not random generators. */
function hasCountingRun(value: string, n: number): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const a = value.charCodeAt(i - 1) | 32;
    const b = value.charCodeAt(i) | 32;
    const alnum = (b >= 97 && b <= 122) || (b >= 48 && b <= 57);
    up = alnum && b === a + 1 ? up + 1 : 1;
    down = alnum && b === a - 1 ? down + 1 : 1;
    if (up >= n || down >= n) return true;
  }
  return false;
}

/** The same chunk of three or more characters three times over (`1234-1234-1234`). */
function hasRepeatedChunk(value: string): boolean {
  const seen = new Map<string, number>();
  for (const chunk of value.split(CHUNK_SEPARATOR)) {
    if (chunk.length < 3) continue;
    const count = (seen.get(chunk) ?? 0) + 1;
    if (count >= 3) return true;
    seen.set(chunk, count);
  }
  return false;
}

/** True for a token-shaped string that is filler, a counting sequence, masked or a documented example. */
export function isFakeToken(token: string): boolean {
  return (
    MASKED.test(token) ||
    EXAMPLE_MARKER.test(token) ||
    hasFillerRun(token, 6) ||
    hasRepeatedChunk(token) ||
    // A random token holds a short counting run by chance, the more likely the longer it is.
    hasCountingRun(token, Math.max(5, Math.floor(token.length / 10)))
  );
}

/** `process.env.BASTION_KEY`, `options.apiKey`, `e.LLM_FIRST_TOKEN_TIMEOUT_MS`: code reading a value. */
function isMemberPath(value: string): boolean {
  const segments = value.split('.');
  return (
    segments.length >= 2 && segments.every((s) => s.length <= 48 && IDENTIFIER_SEGMENT.test(s))
  );
}

/** `${DB_PASSWORD}`, `%DB_PASSWORD%`, `{{ password }}`, `<password>`: a value kept elsewhere or a slot. */
export function isReference(value: string): boolean {
  return TEMPLATE_START.test(value) || PERCENT_VARIABLE.test(value) || ANGLE_SLOT.test(value);
}

/** True for an assigned value that names, references or stands in for a secret instead of being one. */
export function isStandInValue(value: string): boolean {
  return (
    isMemberPath(value) ||
    isFakeToken(value) ||
    LOWER_WORDS.test(value) ||
    UPPER_WORDS.test(value) ||
    CAMEL_IDENTIFIER.test(value) ||
    PASCAL_IDENTIFIER.test(value) ||
    isReference(value) ||
    // `#add-password`: a link to a section of a page.
    (value.startsWith('#') && LOWER_WORDS.test(value.slice(1))) ||
    VERSION.test(value) ||
    FILE_OR_HOST.test(value)
  );
}
