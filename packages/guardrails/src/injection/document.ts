import { re } from '../patterns.ts';

// Whether a text reads as a retrieved document rather than a message, and the lines of a document
// that are requests addressed to an assistant: in an email or a table, "Explain the theory of
// relativity." on a line of its own is not part of the content.

export type DocumentKind = 'table' | 'email' | 'code';

/** Word starts of which an email's headers or footer show at least one. */
export const DOCUMENT_ANCHORS: readonly string[] = [
  'subject:',
  'from:',
  'to:',
  'cc:',
  'date:',
  'sent:',
  'received date:',
  'email_from:',
  'reply to this',
  'unsubscribe',
  'sent from my',
  'best regards',
  'kind regards',
  'warm regards',
  'sincerely',
  'view in',
  'view it in',
];

const EMAIL_HEADER = re(/\b(?:subject|from|to|cc|date|sent|received date|email_from):/gi);
const EMAIL_OPENING = re(/^\s*(?:subject|from|to|date|sent):/i);
const EMAIL_GREETING = re(
  /^\s*(?:hi|hello|dear|hey|greetings|good (?:morning|afternoon|evening))\b/i,
);
const EMAIL_FOOTER = re(
  /\b(?:reply to this email|unsubscribe|sent from my|best regards|kind regards|warm regards|sincerely|view (?:it )?in (?:your )?browser)\b/i,
);
const CODE_FENCE = '```';
/** The text opens like JSON: `{"key":` or `[{"key":`. */
const JSON_START = re(/^\s{0,16}\[?\s{0,16}\{\s{0,16}"[^"\n]{1,64}"\s{0,4}:/);
const INDENTED_CODE = re(/\n(?: {4}|\t)[^\s]/g);

const REQUEST_VERB = re(
  /^(?:please\s)?(?:describe|explain|summari[sz]e|compose\s(?:a|an|me|the|some)|recommend|translate|draft|suggest|analy[sz]e|determine|provide|list|calculate|solve|define|compare|outline|brainstorm|classify|replace|substitute|teach\sme|tell\sme|show\sme|give\sme|help\sme|write\s(?:a|an|me|the|some))\b/,
);
const REQUEST_CAN_YOU = re(
  /^(?:can|could|would|will)\syou\s(?:please\s)?(?:show|tell|explain|write|recommend|provide|suggest|translate|list|summari[sz]e|describe|help|give|teach|draft|compose|create|generate|reply|respond|answer|use|render|encode|substitute|replace|invert|reverse)\b/,
);
const QUESTION_WORD = re(/^(?:how|what|who|why|which|where|when|is\sthis|are\sthere)\s/);
const SECOND_PERSON = re(/\byou(?:r|rs)?\b/);

function isTableRow(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith('|') && trimmed.indexOf('|', 1) > 0;
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** Lines that are table rows, counting up to `enough` (no copy of the text or its lines). */
function countTableRows(text: string, enough: number): number {
  let rows = 0;
  for (let bar = text.indexOf('|'); bar !== -1 && rows < enough; ) {
    const start = text.lastIndexOf('\n', bar) + 1;
    let end = text.indexOf('\n', bar);
    if (end === -1) end = text.length;
    let first = start;
    while (first < end && text.charCodeAt(first) <= 32) first++;
    // A row: its first visible character is a bar, and another bar follows on the line.
    const next = text.indexOf('|', bar + 1);
    if (first === bar && next !== -1 && next < end) rows++;
    bar = text.indexOf('|', end);
  }
  return rows;
}

function countMatches(pattern: RegExp, text: string, enough: number): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (n < enough && pattern.exec(text) !== null) n++;
  pattern.lastIndex = 0;
  return n;
}

/**
 * An email's headers: the text opens with one, or shows two different fields (`Subject:` and
 * `To:`, say); a single `from:` somewhere is common in any text.
 */
function hasEmailHeaders(text: string): boolean {
  if (EMAIL_OPENING.test(text)) return true;
  const fields = new Set<string>();
  EMAIL_HEADER.lastIndex = 0;
  for (
    let m = EMAIL_HEADER.exec(text);
    m !== null && fields.size < 2;
    m = EMAIL_HEADER.exec(text)
  ) {
    fields.add(m[0].toLowerCase());
  }
  EMAIL_HEADER.lastIndex = 0;
  return fields.size >= 2;
}

export function startsLikeEmail(text: string): boolean {
  return EMAIL_GREETING.test(text);
}

/** `mayBeEmail`: the text has an email's header, footer or greeting words (see DOCUMENT_ANCHORS). */
export function documentKind(text: string, mayBeEmail: boolean): DocumentKind | null {
  if (countTableRows(text, 3) >= 3) return 'table';
  if (
    mayBeEmail &&
    (hasEmailHeaders(text) || EMAIL_FOOTER.test(text) || EMAIL_GREETING.test(text))
  ) {
    return 'email';
  }
  if (text.includes(CODE_FENCE) || countMatches(INDENTED_CODE, text, 3) >= 3) return 'code';
  // A JSON object or array of objects (an API response, a record) is data, read like code.
  if (JSON_START.test(text)) return 'code';
  return null;
}

/** Tab, line feed, vertical tab, form feed, carriage return, space: what `trim` removes in ASCII. */
const isAsciiBlank = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);

function wordCount(line: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const blank = line.charCodeAt(i) <= 32;
    if (!blank && !inWord) words++;
    inWord = !blank;
  }
  return words;
}

/** A line of a document that asks an assistant for something, as a sentence of its own. */
function isRequestLine(line: string): boolean {
  // Most lines do not start with a capital letter: that is known before any copy of the line.
  let at = 0;
  while (at < line.length && isAsciiBlank(line.charCodeAt(at))) at++;
  const lead = line.charCodeAt(at);
  if (lead < 0x80 && !(lead >= 65 && lead <= 90)) return false;
  const trimmed = line.trim();
  const first = trimmed.charCodeAt(0);
  if (!(first >= 65 && first <= 90)) return false; // starts a sentence
  if (trimmed.length > 300 || wordCount(trimmed) < 3) return false;
  const text = trimmed.toLowerCase();
  if (REQUEST_VERB.test(text) || REQUEST_CAN_YOU.test(text)) return true;
  return (
    QUESTION_WORD.test(text) &&
    text.includes('?') &&
    wordCount(text) >= 4 &&
    !SECOND_PERSON.test(text)
  );
}

/**
 * Whether a document carries a line that is a request to an assistant: in a table, a line that
 * interrupts or abuts the rows (at most one blank line away); in an email, any line.
 */
export function hasRequestLine(text: string, kind: 'table' | 'email'): boolean {
  const all = lines(text);
  const nearRow = (i: number, step: number): boolean => {
    const next = all[i + step] ?? '';
    return isTableRow(next) || (next.trim() === '' && isTableRow(all[i + 2 * step] ?? ''));
  };
  return all.some((line, i) => {
    if (!isRequestLine(line)) return false;
    return kind === 'email' || nearRow(i, -1) || nearRow(i, 1);
  });
}
