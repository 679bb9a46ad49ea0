import { redactSecrets } from '@bastion/guardrails';

export const REDACTED = '[redacted]';

/** A name (argument, flag, variable) that announces a credential. */
export const SECRET_NAME = /pass(?:word|wd)?|secret|token|api[_-]?key|credential|auth/i;
/** Values shorter than this are not redacted by value (they would hide ordinary words). */
const MIN_SECRET_CHARS = 8;
const MAX_NAME_CHARS = 128;
const OPENERS = `"'([{<`;

/** `-psecret`: the password attached to `-p` (mysql and friends). */
function isAttachedPassword(token: string): boolean {
  return token.length > 2 && token.startsWith('-p') && token[2] !== '=';
}

/** `--token` or `--db-password`: a flag whose next argument is a credential. */
export function isSecretFlag(raw: string): boolean {
  let lead = 0;
  while (lead < raw.length && OPENERS.includes(raw[lead] as string)) lead++;
  const token = raw.slice(lead);
  return (
    token.startsWith('-') &&
    !token.includes('=') &&
    !isAttachedPassword(token) &&
    token.length <= MAX_NAME_CHARS &&
    SECRET_NAME.test(token)
  );
}

/** A URL's password (`scheme://user:password@host`), hidden. */
function withoutUrlPassword(token: string): string {
  const scheme = token.indexOf('://');
  if (scheme < 0) return token;
  const start = scheme + 3;
  let end = start;
  while (end < token.length && !'/?#'.includes(token[end] as string)) end++;
  const at = token.lastIndexOf('@', end - 1);
  const colon = token.indexOf(':', start);
  if (at < start || colon < 0 || colon > at) return token;
  return `${token.slice(0, colon + 1)}${REDACTED}${token.slice(at)}`;
}

/**
 * One whitespace-free token with its credential hidden: `--password=…`, `PGPASSWORD=…` (any
 * `name=value` whose name announces a credential), `-p…` (the attached password of mysql and
 * friends), and the password of a URL.
 */
function redactToken(raw: string): string {
  // Quoting or bracketing around an argument (`"--password=…"`, `[-p…]`) is kept as it is.
  let lead = 0;
  while (lead < raw.length && OPENERS.includes(raw[lead] as string)) lead++;
  if (lead > 0) return raw.slice(0, lead) + redactToken(raw.slice(lead));
  const token = raw;
  const equals = token.indexOf('=');
  if (equals > 0 && equals <= MAX_NAME_CHARS && SECRET_NAME.test(token.slice(0, equals))) {
    return `${token.slice(0, equals + 1)}${REDACTED}`;
  }
  if (isAttachedPassword(token)) return `-p${REDACTED}`;
  return withoutUrlPassword(token);
}

/** Credential-shaped arguments in text hidden, token by token (linear in the text). */
export function redactCredentials(text: string): string {
  const parts = text.split(/(\s+)/);
  let secretNext = false;
  for (let i = 0; i < parts.length; i += 2) {
    const token = parts[i] as string;
    if (token === '') continue;
    parts[i] = secretNext ? REDACTED : redactToken(token);
    secretNext = !secretNext && isSecretFlag(token);
  }
  return parts.join('');
}

/**
 * The redaction tools apply to everything they return and to the audit log: the configured
 * secrets by value (longest first), then the secret detector, then credential-shaped arguments.
 */
export function toolRedactor(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return redactCredentials(redactSecrets(out).text);
  };
}
