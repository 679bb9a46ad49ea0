import { charSet, inSet, runEnd, runStart } from '../chars.ts';
import { re } from '../patterns.ts';
import { characterClasses, hasLetterAndDigit, shannonEntropy } from './entropy.ts';
import { keyWords, namesSecret, namesSecretInProse } from './key-names.ts';
import { isFakeToken, isStandInValue } from './placeholders.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

// Credentials that only their name gives away: `password=…`, `"client_secret": "…"`,
// `api_key: …`, `--token …`, `Authorization: Bearer …`, `the password is …`. The name is found by
// a keyword inside it; the value is the run of value characters after a separator; both are
// judged on their own text plus the characters between them, so the decision is local.

const KEYWORD = re(/pass|pwd|secret|token|key|auth|cred|bearer/gi);
const KEY_CHARS = charSet('A-Za-z0-9_.$@-');
const VALUE_CHARS = charSet('A-Za-z0-9!#$%&*+./:=?@^_~-');
const QUERY_VALUE_CHARS = charSet('A-Za-z0-9!$%*+./:=?@^_~-');
const PORT_AND_PATH = re(/^[0-9]{1,5}(?:\/|$)/);
const BASE64_CHARS = charSet('A-Za-z0-9/+');
const BASE64_EDGE = charSet('A-Za-z0-9/+=');

const MAX_KEY = 64;
const MAX_VALUE = 256;
const MAX_SPACES = 8;
const MIN_VALUE = 8;
/**
 * The farthest a value starts after its name (see `valueSite`): a closing quote, spaces, a
 * separator of up to three characters or a prose link of up to four, spaces, an opening quote and
 * an authorisation scheme of up to six letters followed by spaces.
 */
const MAX_VALUE_OFFSET = 1 + MAX_SPACES + 4 + MAX_SPACES + 1 + 6 + MAX_SPACES;
/** How far after a name a bare 40-character AWS secret key may follow it ("the secret … is X"). */
const AWS_SECRET_REACH = 120;
const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token']);
const PROSE_LINKS = new Set(['is', 'was', 'are', 'to']);

const isQuote = (code: number): boolean => code === 34 || code === 39 || code === 96;
const isSpace = (code: number): boolean => code === 32 || code === 9;

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < MAX_SPACES && isSpace(text.charCodeAt(j))) j++;
  return j;
}

interface ValueSite {
  start: number;
  /** Separator kind: `=`, `:`, `,` (quoted name and value, as in a call) or ` ` (prose). */
  separator: string;
}

/** Where the value of the name ending at `keyEnd` starts, or null if no value follows it. */
function valueSite(
  text: string,
  keyStart: number,
  keyEnd: number,
  name: SecretName,
): ValueSite | null {
  let i = keyEnd;
  const keyQuote = keyStart > 0 ? text.charCodeAt(keyStart - 1) : 0;
  const keyQuoted = isQuote(keyQuote) && text.charCodeAt(i) === keyQuote;
  if (keyQuoted) i++;
  const beforeSeparator = i;
  i = skipSpaces(text, i);
  const c = text.charCodeAt(i);
  let separator: string;
  if (c === 61 || c === 58) {
    separator = c === 61 ? '=' : ':';
    i++;
    const next = text.charCodeAt(i);
    if (next === 61 || next === 62) i++; // `==`, `=>`
    if (c === 58 && next === 61) i++; // `:=`
  } else if (c === 44 && keyQuoted && keyQuote !== 96) {
    // `getenv("api_token", "…")`; backticks are Markdown code spans, where a comma lists names.
    separator = ',';
    i++;
  } else if (i > beforeSeparator && name.inProse) {
    separator = ' ';
    const linkEnd = runEnd(text, i, KEY_CHARS, 4);
    if (
      PROSE_LINKS.has(text.slice(i, linkEnd).toLowerCase()) &&
      isSpace(text.charCodeAt(linkEnd))
    ) {
      i = linkEnd;
    }
  } else {
    return null;
  }
  i = skipSpaces(text, i);
  const quote = text.charCodeAt(i);
  if (isQuote(quote)) {
    i++;
  } else if (separator === ',') {
    return null;
  }
  // `Authorization: Bearer <value>`: the scheme is not the secret, the word after it is.
  const wordEnd = runEnd(text, i, KEY_CHARS, 7);
  const length = wordEnd - i;
  if (
    (length === 5 || length === 6) &&
    AUTH_SCHEMES.has(text.slice(i, wordEnd).toLowerCase()) &&
    isSpace(text.charCodeAt(wordEnd))
  ) {
    i = skipSpaces(text, wordEnd);
  }
  return { start: i, separator };
}

function isCredentialValue(value: string, separator: string, terminator: number): boolean {
  if (value.length < MIN_VALUE) return false;
  // `getpass.getpass(…)`, `os.environ[…]`: code that produces the value, not the value.
  if (terminator === 40 || terminator === 91) return false;
  if (value.includes('://') || (separator === ':' && PORT_AND_PATH.test(value))) return false;
  const mixed = separator === ' ' ? hasLetterAndDigit(value) : characterClasses(value) >= 2;
  return mixed && shannonEntropy(value) >= 3 && !isStandInValue(value);
}

function credentialType(words: readonly string[], value: string): string {
  const aws = words.includes('aws') || (words.includes('secret') && words.includes('access'));
  return aws && value.length === 40 ? 'aws-secret-access-key' : 'generic-assignment';
}

function looksLikeAwsSecret(value: string): boolean {
  return (
    value !== value.toLowerCase() &&
    value !== value.toUpperCase() &&
    hasLetterAndDigit(value) &&
    shannonEntropy(value) >= 4 &&
    !isFakeToken(value)
  );
}

/** A name that says its value is a credential. */
interface SecretName {
  words: string[];
  /** It may precede its value with a space alone (`password hunter2`, `--token abc`). */
  inProse: boolean;
}

/** What `key` says about its value: a credential (its words) or nothing (null); cached by name. */
function secretName(key: string, verdicts: Map<string, SecretName | null>): SecretName | null {
  let name = verdicts.get(key);
  if (name === undefined) {
    const words = keyWords(key);
    name = namesSecret(words) ? { words, inProse: namesSecretInProse(words) } : null;
    verdicts.set(key, name);
  }
  return name;
}

/** Bare 40-character AWS secret keys shortly after a name that mentions a secret. */
function scanAwsSecretsAfter(ctx: ScanContext, from: number, to: number): void {
  const { text } = ctx;
  let i = from;
  while (i < to) {
    if (
      !inSet(BASE64_CHARS, text.charCodeAt(i)) ||
      (i > 0 && inSet(BASE64_EDGE, text.charCodeAt(i - 1)))
    ) {
      i++;
      continue;
    }
    const end = runEnd(text, i, BASE64_CHARS, 41);
    if (end === text.length && !ctx.final) {
      if (end - i <= 40 && i >= ctx.from) holdFrom(ctx, i);
      return;
    }
    const bounded = end === text.length || !inSet(BASE64_EDGE, text.charCodeAt(end));
    if (end - i === 40 && bounded && i >= ctx.from && looksLikeAwsSecret(text.slice(i, end))) {
      ctx.findings.push({ start: i, end, type: 'aws-secret-access-key' });
    }
    i = Math.max(end, i + 1);
  }
}

export function scanAssignments(ctx: ScanContext): void {
  const { text, final } = ctx;
  // A run of value characters is measured once, however many sites start inside it.
  let valueRunStart = -1;
  let valueRunEnd = -1;
  let valueRunQuery = false;
  const keyVerdicts = new Map<string, SecretName | null>();
  let lastKey = '';
  let lastName: SecretName | null = null;
  let lastValue = '';
  let lastSeparator = '';
  let lastTerminator = -1;
  let lastCredential = false;
  let awsScannedTo = 0;
  // A name whose value or AWS secret could start at `from` has a keyword at most this far back.
  KEYWORD.lastIndex = Math.max(0, ctx.from - MAX_KEY - AWS_SECRET_REACH - 8);
  // `test` rather than `exec`: no match object per name. The keyword ends inside the name, whose
  // characters include every keyword character, so the name ends where that run ends.
  while (KEYWORD.test(text)) {
    const keyEnd = runEnd(text, KEYWORD.lastIndex, KEY_CHARS, Number.POSITIVE_INFINITY);
    KEYWORD.lastIndex = keyEnd;
    if (keyEnd === text.length && !final) break;
    // Too far back for its value or an AWS secret after it to start at `from`.
    if (keyEnd + AWS_SECRET_REACH < ctx.from) continue;
    const keyStart = runStart(text, keyEnd, KEY_CHARS, MAX_KEY);
    // A wall of one name repeated is read once.
    if (keyEnd - keyStart !== lastKey.length || !text.startsWith(lastKey, keyStart)) {
      lastKey = text.slice(keyStart, keyEnd);
      lastName = secretName(lastKey, keyVerdicts);
    }
    const name = lastName;
    if (name === null) continue;

    const reach = Math.min(text.length, keyEnd + AWS_SECRET_REACH);
    if (reach > awsScannedTo) {
      scanAwsSecretsAfter(ctx, Math.max(keyEnd, awsScannedTo, ctx.from), reach);
      awsScannedTo = reach;
    }
    // Too far back for its value to start at `from`.
    if (keyEnd + MAX_VALUE_OFFSET < ctx.from) continue;

    const site = valueSite(text, keyStart, keyEnd, name);
    // A value that starts before `from` was decided earlier (the name is only context).
    if (site === null || site.start >= text.length || site.start < ctx.from) continue;
    const inQuery = keyStart > 0 && (text[keyStart - 1] === '?' || text[keyStart - 1] === '&');
    const sameRun =
      site.start >= valueRunStart && site.start < valueRunEnd && inQuery === valueRunQuery;
    if (!sameRun) {
      const chars = inQuery ? QUERY_VALUE_CHARS : VALUE_CHARS;
      valueRunStart = site.start;
      valueRunEnd = runEnd(text, site.start, chars, Number.POSITIVE_INFINITY);
      valueRunQuery = inQuery;
    }
    const valueEnd = Math.min(valueRunEnd, site.start + MAX_VALUE + 1);
    if (valueEnd === text.length && !final) {
      holdFrom(ctx, site.start);
      continue;
    }
    if (valueEnd - site.start > MAX_VALUE) continue;
    const value = text.slice(site.start, valueEnd);
    const terminator = text.charCodeAt(valueEnd);
    // The same value again (a wall of repeated assignments) keeps its verdict.
    const same =
      value === lastValue && site.separator === lastSeparator && terminator === lastTerminator;
    const credential: boolean = same
      ? lastCredential
      : isCredentialValue(value, site.separator, terminator);
    lastValue = value;
    lastSeparator = site.separator;
    lastTerminator = terminator;
    lastCredential = credential;
    if (!credential) continue;
    ctx.findings.push({
      start: site.start,
      end: valueEnd,
      type: credentialType(name.words, value),
    });
  }
}
