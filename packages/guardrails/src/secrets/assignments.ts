import { type CharSet, charSet, inSet, runEnd, runStart } from '../chars.ts';
import { re } from '../patterns.ts';
import { characterClasses, hasLetterAndDigit, shannonEntropy } from './entropy.ts';
import { type SecretName, secretName } from './key-names.ts';
import { isFakeToken, isStandInValue } from './placeholders.ts';
import {
  holdFrom,
  type LastJudged,
  type NameAt,
  newLastJudged,
  type ScanContext,
  type ValueSite,
} from './scan-context.ts';

// Credentials that only their name gives away: `password=…`, `"client_secret": "…"`,
// `api_key: …`, `--token …`, `Authorization: Bearer …`, `the password is …`. The name is found by
// a keyword inside it; the value is the run of value characters after a separator; both are
// judged on their own text plus the characters between them, so the decision is local.

const KEYWORD = re(/pass|pwd|secret|token|key|auth|cred|bearer/gi);
const KEY_CHARS = charSet('A-Za-z0-9_.$@-');
const VALUE_CHARS = charSet('A-Za-z0-9!#$%&*+./:=?@^_~-');
const QUERY_VALUE_CHARS = charSet('A-Za-z0-9!$%*+./:=?@^_~-');
/** Inside braces a value may hold anything printable but braces. */
const BRACED_VALUE_CHARS = charSet(' -z|~');
const PORT_AND_PATH = re(/^[0-9]{1,5}(?:\/|$)/);
const BASE64_CHARS = charSet('A-Za-z0-9/+');
const BASE64_EDGE = charSet('A-Za-z0-9/+=');
/** `token: Tokens.Code`, `key = config.apiKey`: a dotted name in code refers to a value, it is not one. */
const DOTTED_NAME = re(/^[A-Za-z_$]+(?:\.[A-Za-z_$]+)+$/);

const MAX_KEY = 64;
const MAX_VALUE = 256;
const MAX_SPACES = 8;
const MIN_VALUE = 8;
/**
 * The farthest a value starts after its name (see `valueSite`): a closing quote, spaces, a
 * separator of up to three characters or a prose link of up to four, spaces, an opening quote and
 * an authorisation scheme of up to six letters followed by spaces. `valueSite` reads no character
 * this far after the name, so once the text reaches that far its answer is final.
 */
const MAX_VALUE_OFFSET = 1 + MAX_SPACES + 4 + MAX_SPACES + 1 + 6 + MAX_SPACES;
/** `valueSite` reads no character this far after the start it returns (the scheme check). */
const SCHEME_LOOKAHEAD = 7;
/** How far after a name a bare 40-character AWS secret key may follow it ("the secret … is X"). */
const AWS_SECRET_REACH = 120;
const AWS_SECRET_LENGTH = 40;
/** Each begins with `b`, `t` or `s` (Okta's `SSWS`), and is 3 to 6 letters long. */
const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'ssws', 'bot']);
const PROSE_LINKS = new Set(['is', 'was', 'are', 'to']);

const isQuote = (code: number): boolean => code === 34 || code === 39 || code === 96;
const isSpace = (code: number): boolean => code === 32 || code === 9;

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < MAX_SPACES && isSpace(text.charCodeAt(j))) j++;
  return j;
}

/**
 * The name starting at `keyStart` fills the first cell of a Markdown table row: only blanks
 * between the line's start and its `|`, and a blank after it (`|a|b|` is a regex alternation).
 */
function inTableCell(text: string, keyStart: number): boolean {
  let j = keyStart - 1;
  if (isQuote(text.charCodeAt(j))) j--;
  if (!isSpace(text.charCodeAt(j))) return false;
  while (j >= 0 && keyStart - j <= MAX_SPACES + 2 && isSpace(text.charCodeAt(j))) j--;
  if (text.charCodeAt(j) !== 124) return false;
  j--;
  while (j >= 0 && keyStart - j <= 2 * MAX_SPACES + 4 && isSpace(text.charCodeAt(j))) j--;
  return j < 0 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13;
}

/**
 * Whether the value ending at `end` fills its table cell (only a closing quote and blanks before
 * the next `|` or the end of the line); undefined when the text ends before that can be told.
 */
function fillsCell(text: string, end: number): boolean | undefined {
  let i = end;
  if (isQuote(text.charCodeAt(i))) i++;
  i = skipSpaces(text, i);
  if (i >= text.length) return undefined;
  const c = text.charCodeAt(i);
  return c === 124 || c === 10 || c === 13;
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
    if (next === 61 || (c === 61 && next === 62)) i++; // `==`, `=>`, `:=`
  } else if (c === 62 && keyQuote === 60 && i === keyEnd) {
    // `<password>…</password>`: an XML element named for a secret.
    separator = '>';
    i++;
  } else if (c === 44 && keyQuoted && keyQuote !== 96) {
    // `getenv("api_token", "…")`; backticks are Markdown code spans, where a comma lists names.
    separator = ',';
    i++;
  } else if (c === 124 && i > beforeSeparator && inTableCell(text, keyStart)) {
    // `| DB_PASSWORD | s3cr3t… |`: a Markdown table of names and values.
    separator = '|';
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
  // `Pwd={p@ss;word}`: ODBC and ADO.NET connection strings brace a value that holds `;`.
  const braced = quote === 123 && separator === '=';
  const quoted = isQuote(quote) || braced;
  if (quoted) {
    i++;
  } else if (separator === ',') {
    return null;
  } else if (quote === 35 && isSpace(text.charCodeAt(i - 1))) {
    // `password = #add-password`: an unquoted `#` after a blank starts a comment (INI, YAML,
    // shell), so the name has no value here.
    return null;
  }
  // `Authorization: Bearer <value>`: the scheme is not the secret, the word after it is.
  const initial = text.charCodeAt(i) | 32;
  if (initial === 98 || initial === 116 || initial === 115) {
    const wordEnd = runEnd(text, i, KEY_CHARS, SCHEME_LOOKAHEAD);
    const length = wordEnd - i;
    if (
      length >= 3 &&
      length <= 6 &&
      AUTH_SCHEMES.has(text.slice(i, wordEnd).toLowerCase()) &&
      isSpace(text.charCodeAt(wordEnd))
    ) {
      i = skipSpaces(text, wordEnd);
    }
  }
  return { start: i, separator, quoted, braced };
}

function isCredentialValue(value: string, separator: string, terminator: number): boolean {
  if (value.length < MIN_VALUE) return false;
  // `getpass.getpass(…)`, `os.environ[…]`: code that produces the value, not the value.
  if (terminator === 40 || terminator === 91) return false;
  if (value.includes('://') || (separator === ':' && PORT_AND_PATH.test(value))) return false;
  if (DOTTED_NAME.test(value)) return false;
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

/** Bare 40-character AWS secret keys shortly after a name that mentions a secret. */
function scanAwsSecretsAfter(ctx: ScanContext, from: number, to: number): void {
  const { text } = ctx;
  const stop = ctx.final ? to : Math.min(to, ctx.frontier);
  let i = from;
  while (i < stop) {
    // A secret starting at `i` fills the next 40 characters, or all the rest of a text that may
    // still grow: one that cannot be part of it rules out every start up to it.
    const end40 = Math.min(i + AWS_SECRET_LENGTH, text.length);
    const runFrom = runStart(text, end40, BASE64_CHARS, end40 - i);
    if (runFrom > i) {
      i = runFrom;
      continue;
    }
    // `[i, end40)` is all key characters: read on from there.
    const end = runEnd(text, end40, BASE64_CHARS, i + AWS_SECRET_LENGTH + 1 - end40);
    // Inside a run, or glued to a `=`: no secret starts in the rest of this run.
    if (i > 0 && inSet(BASE64_EDGE, text.charCodeAt(i - 1))) {
      i = end;
      continue;
    }
    if (end === text.length && !ctx.final) {
      if (end - i <= AWS_SECRET_LENGTH && i >= ctx.from) holdFrom(ctx, i);
      return;
    }
    const bounded = end === text.length || !inSet(BASE64_EDGE, text.charCodeAt(end));
    if (
      end - i === AWS_SECRET_LENGTH &&
      bounded &&
      i >= ctx.from &&
      looksLikeAwsSecret(text.slice(i, end))
    ) {
      ctx.findings.push({ start: i, end, type: 'aws-secret-access-key' });
    }
    i = end;
  }
}

/** What one scan has measured after the names it read, so that a wall of names is read once. */
interface AfterNames {
  /**
   * Where AWS secrets are still to be looked for: the reach of the names read since the last
   * look, which is put off until a gap, a value finding (so that an AWS finding comes first, and
   * wins, on the same span) or the end of the scan.
   */
  awsFrom: number;
  awsTo: number;
  /**
   * The run of value characters measured last, and which characters it was read with: a run is
   * measured once, however many values start inside it.
   */
  valueRunStart: number;
  valueRunEnd: number;
  valueRunChars: CharSet;
  lastJudged: LastJudged;
}

const MAX_NAME_VERDICTS = 4096;

function nameAt(
  last: LastJudged,
  text: string,
  keyStart: number,
  keyEnd: number,
): SecretName | null {
  const key = text.slice(keyStart, keyEnd);
  let name = last.names.get(key);
  if (name === undefined) {
    name = secretName(key);
    if (last.names.size >= MAX_NAME_VERDICTS) last.names.clear();
    last.names.set(key, name);
  }
  return name;
}

/** `isCredentialValue` of `text[start, end)`. */
function isCredentialValueAt(
  last: LastJudged,
  text: string,
  start: number,
  end: number,
  separator: string,
): boolean {
  const terminator = text.charCodeAt(end);
  const same =
    end - start === last.value.length &&
    separator === last.separator &&
    terminator === last.terminator &&
    text.startsWith(last.value, start);
  if (!same) {
    last.value = text.slice(start, end);
    last.separator = separator;
    last.terminator = terminator;
    last.credential = isCredentialValue(last.value, separator, terminator);
  }
  return last.credential;
}

/** The names read so far reach AWS secrets up to `keyEnd + AWS_SECRET_REACH`. */
function extendAwsReach(ctx: ScanContext, after: AfterNames, keyEnd: number): void {
  const reach = Math.min(ctx.text.length, keyEnd + AWS_SECRET_REACH);
  if (reach <= after.awsTo) return;
  if (keyEnd > after.awsTo) {
    lookForAwsSecrets(ctx, after);
    after.awsFrom = keyEnd;
  }
  after.awsTo = reach;
}

function lookForAwsSecrets(ctx: ScanContext, after: AfterNames): void {
  if (after.awsTo > after.awsFrom) scanAwsSecretsAfter(ctx, after.awsFrom, after.awsTo);
  after.awsFrom = after.awsTo;
}

/**
 * The value after a secret name and the AWS secrets shortly after it. A stream passes the name's
 * record (`at`), which keeps where its value starts once later text cannot change that.
 */
function readAfterName(
  ctx: ScanContext,
  after: AfterNames,
  keyStart: number,
  keyEnd: number,
  name: SecretName,
  at: NameAt | null,
): void {
  const { text, final } = ctx;
  extendAwsReach(ctx, after, keyEnd);
  // Too far back for its value to start at `from`.
  if (keyEnd + MAX_VALUE_OFFSET < ctx.from) return;
  let site = at === null ? undefined : at.site;
  if (site === undefined) {
    site = valueSite(text, keyStart, keyEnd, name);
    const settled =
      keyEnd + MAX_VALUE_OFFSET <= text.length ||
      (site !== null && site.start + SCHEME_LOOKAHEAD <= text.length);
    if (at !== null && settled) at.site = site;
  }
  // A value that starts before `from` was decided earlier (the name is only context).
  if (site === null || site.start >= text.length || site.start < ctx.from) return;
  if (!final && site.start >= ctx.frontier) return;
  const beforeKey = text.charCodeAt(keyStart - 1);
  const chars = site.braced
    ? BRACED_VALUE_CHARS
    : beforeKey === 63 || beforeKey === 38 // `?name=` or `&name=`
      ? QUERY_VALUE_CHARS
      : VALUE_CHARS;
  const sameRun =
    site.start >= after.valueRunStart &&
    site.start < after.valueRunEnd &&
    chars === after.valueRunChars;
  if (!sameRun) {
    after.valueRunStart = site.start;
    after.valueRunEnd = runEnd(text, site.start, chars, Number.POSITIVE_INFINITY);
    after.valueRunChars = chars;
  }
  const valueEnd = Math.min(after.valueRunEnd, site.start + MAX_VALUE + 1);
  if (valueEnd === text.length && !final) {
    holdFrom(ctx, site.start);
    return;
  }
  if (valueEnd - site.start > MAX_VALUE) return;
  // `"pass": "Document has a title"`: a quoted value that goes on after a blank is prose, and
  // its first word is not a credential.
  if (site.quoted && isSpace(text.charCodeAt(valueEnd))) return;
  // `<password>…</password>`: an element's text ends at a tag (else `<password>` was a slot).
  if (site.separator === '>' && text.charCodeAt(valueEnd) !== 60) return;
  if (site.separator === '|') {
    // A cell that goes on after the value holds prose (`| API_TOKEN | Token for the CI |`).
    const fills = fillsCell(text, valueEnd);
    if (fills === undefined && !final) {
      holdFrom(ctx, site.start);
      return;
    }
    if (fills === false) return;
  }
  if (!isCredentialValueAt(after.lastJudged, text, site.start, valueEnd, site.separator)) return;
  lookForAwsSecrets(ctx, after);
  ctx.findings.push({
    start: site.start,
    end: valueEnd,
    type: credentialType(name.words, text.slice(site.start, valueEnd)),
  });
}

/** What a scan without a carry judged: one object, emptied when the scan ends. */
const ONE_SCAN = newLastJudged();

function forget(last: LastJudged): void {
  // Clearing a map allocates a new table: an empty one is left as it is.
  if (last.names.size > 0) last.names.clear();
  last.value = '';
  last.separator = '';
  last.terminator = -1;
  last.credential = false;
}

/**
 * Finds the names, then reads what follows each secret one. A stream's scan starts with the names
 * its previous scans judged (`ctx.carry`) and searches on from where they stopped; without them,
 * it searches back from `from` as far as a name whose value or AWS secret could start there.
 */
export function scanAssignments(ctx: ScanContext): void {
  const { text, final, carry } = ctx;
  const after: AfterNames = {
    awsFrom: ctx.from,
    awsTo: ctx.from,
    valueRunStart: -1,
    valueRunEnd: -1,
    valueRunChars: VALUE_CHARS,
    lastJudged: carry?.lastJudged ?? ONE_SCAN,
  };
  const judged: NameAt[] = [];
  let searchFrom = Math.max(0, ctx.from - MAX_KEY - AWS_SECRET_REACH - 8);
  if (carry !== null && carry.namesFrom >= 0) {
    searchFrom = carry.namesFrom;
    const { names } = carry;
    for (let k = 0; k < names.length; k++) {
      const at = names[k] as NameAt;
      if (at.end + AWS_SECRET_REACH < ctx.from) continue;
      // A name whose value starts before `from` (or that has none) matters only for how far AWS
      // secrets may follow it, and the next name reaches farther if it too ends before `from`.
      const valueBefore =
        at.end + MAX_VALUE_OFFSET < ctx.from ||
        at.site === null ||
        (at.site !== undefined && at.site.start < ctx.from);
      const next = k + 1 < names.length ? (names[k + 1] as NameAt) : null;
      if (valueBefore && next !== null && next.end <= ctx.from) continue;
      judged.push(at);
      readAfterName(ctx, after, at.start, at.end, at.name, at);
    }
  }
  let searchedTo = searchFrom;
  let openEnd = text.length;
  KEYWORD.lastIndex = searchFrom;
  // `test` rather than `exec`: no match object per name. The keyword ends inside the name, whose
  // characters include every keyword character, so the name ends where that run ends.
  while (KEYWORD.test(text)) {
    const keyEnd = runEnd(text, KEYWORD.lastIndex, KEY_CHARS, Number.POSITIVE_INFINITY);
    // A name that reaches the end of the text may still grow; one at the frontier cannot change
    // what is released now. Both are read again by the next scan.
    if (!final && keyEnd >= ctx.frontier) {
      openEnd = keyEnd;
      break;
    }
    KEYWORD.lastIndex = keyEnd;
    searchedTo = keyEnd;
    // Too far back for its value or an AWS secret after it to start at `from`.
    if (keyEnd + AWS_SECRET_REACH < ctx.from) continue;
    const keyStart = runStart(text, keyEnd, KEY_CHARS, MAX_KEY);
    const name = nameAt(after.lastJudged, text, keyStart, keyEnd);
    if (name === null) continue;
    let at: NameAt | null = null;
    if (carry !== null) {
      at = { start: keyStart, end: keyEnd, name, site: undefined };
      judged.push(at);
    }
    readAfterName(ctx, after, keyStart, keyEnd, name, at);
  }
  lookForAwsSecrets(ctx, after);
  if (carry === null) forget(ONE_SCAN);
  if (carry !== null) {
    carry.names = judged;
    // A secret name has its keyword within its last MAX_KEY characters, so a name still open, or
    // a keyword cut by the end of the text, is found again from there.
    carry.namesFrom = Math.max(searchedTo, openEnd - MAX_KEY);
  }
}
