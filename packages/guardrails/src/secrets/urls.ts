import { charSet, runEnd, runStart } from '../chars.ts';
import { re } from '../patterns.ts';
import { isFakeToken, isReference, isStandInValue } from './placeholders.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

// The password in `scheme://user:password@host` (database URLs, git remotes, proxies) and in
// Oracle's `jdbc:oracle:thin:user/password@host`.

const SCHEME_CHARS = charSet('A-Za-z0-9+.-');
const USER_CHARS = charSet("A-Za-z0-9!$%&*+.;=_~'-");
const PASSWORD_CHARS = charSet('A-Za-z0-9!#$%&*+.:;=?^_~|,()[]{}-');
const MAX_USER = 128;
const MAX_PASSWORD = 256;
/** A scheme's last character (`SCHEME_CHARS`) and `://`. */
const SCHEME_END = re(/[A-Za-z0-9+.-]:\/\//g);
/** Defaults everyone knows (`scott/tiger` is Oracle's demo account). */
const PLACEHOLDER_PASSWORDS = new Set([
  'password',
  'pass',
  'passwd',
  'pwd',
  'secret',
  'changeme',
  'tiger',
]);

function isRealPassword(password: string): boolean {
  if (PLACEHOLDER_PASSWORDS.has(password.toLowerCase()) || isReference(password)) return false;
  return !isFakeToken(password) && !(password.length >= 8 && isStandInValue(password));
}

/** Index of the first `://` at or after `from` that follows a scheme character, or -1. */
function nextSchemeEnd(text: string, from: number): number {
  SCHEME_END.lastIndex = Math.max(0, from - 1);
  return SCHEME_END.test(text) ? SCHEME_END.lastIndex - 3 : -1;
}

export function scanUrlPasswords(ctx: ScanContext): void {
  const { text, final } = ctx;
  let at = nextSchemeEnd(text, ctx.from - MAX_USER - 4);
  if (at !== -1 && at < ctx.from) {
    // A password that starts at `from` or later follows a user name that runs up to `from - 1`:
    // its `://` comes right before the run of user-name characters that ends there.
    const userFrom = runStart(text, ctx.from - 1, USER_CHARS, MAX_USER + 1);
    if (at < userFrom - 3) at = nextSchemeEnd(text, userFrom - 3);
  }
  for (; at !== -1 && (final || at < ctx.frontier); at = nextSchemeEnd(text, at + 3)) {
    const schemeStart = runStart(text, at, SCHEME_CHARS, 32);
    if (at - schemeStart < 2) continue;
    const userStart = at + 3;
    const userEnd = runEnd(text, userStart, USER_CHARS, MAX_USER + 1);
    if (userEnd === text.length || userEnd - userStart > MAX_USER) continue;
    if (text.charCodeAt(userEnd) === 58) readPasswordBeforeHost(ctx, userEnd + 1);
  }
}

/** The password that starts at `start` and ends at the `@` before a host. */
function readPasswordBeforeHost(ctx: ScanContext, start: number): void {
  const { text } = ctx;
  const end = runEnd(text, start, PASSWORD_CHARS, MAX_PASSWORD + 1);
  if (end === text.length && !ctx.final) {
    if (start >= ctx.from) holdFrom(ctx, start);
    return;
  }
  if (end - start > MAX_PASSWORD || text.charCodeAt(end) !== 64 || end === start) return;
  if (start < ctx.from || !isRealPassword(text.slice(start, end))) return;
  ctx.findings.push({ start, end, type: 'connection-string' });
}

const ORACLE_THIN = ':thin:';
const ORACLE_USER_CHARS = charSet('A-Za-z0-9_$#."');

/** `jdbc:oracle:thin:scott/tiger@//db:1521/svc`: the password between `/` and `@`. */
export function scanOraclePasswords(ctx: ScanContext): void {
  const { text } = ctx;
  const from = Math.max(0, ctx.from - MAX_USER - ORACLE_THIN.length - 1);
  for (
    let at = text.indexOf(ORACLE_THIN, from);
    at !== -1;
    at = text.indexOf(ORACLE_THIN, at + 1)
  ) {
    const userStart = at + ORACLE_THIN.length;
    const userEnd = runEnd(text, userStart, ORACLE_USER_CHARS, MAX_USER + 1);
    if (userEnd === userStart || userEnd - userStart > MAX_USER) continue;
    if (text.charCodeAt(userEnd) === 47) readPasswordBeforeHost(ctx, userEnd + 1);
  }
}
