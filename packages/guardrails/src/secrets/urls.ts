import { charSet, inSet, runEnd, runStart } from '../chars.ts';
import { isFakeToken, isStandInValue } from './placeholders.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

// The password in `scheme://user:password@host` (database URLs, git remotes, proxies).

const SCHEME_CHARS = charSet('A-Za-z0-9+.-');
const USER_CHARS = charSet("A-Za-z0-9!$%&*+.;=_~'-");
const PASSWORD_CHARS = charSet('A-Za-z0-9!#$%&*+.:;=?^_~|,()[]{}-');
const MAX_USER = 128;
const MAX_PASSWORD = 256;
const PLACEHOLDER_PASSWORDS = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'changeme']);

function isRealPassword(password: string): boolean {
  if (PLACEHOLDER_PASSWORDS.has(password.toLowerCase())) return false;
  return !isFakeToken(password) && !(password.length >= 8 && isStandInValue(password));
}

export function scanUrlPasswords(ctx: ScanContext): void {
  const { text, final } = ctx;
  for (
    let at = text.indexOf('://', Math.max(0, ctx.from - MAX_USER - 4));
    at !== -1;
    at = text.indexOf('://', at + 3)
  ) {
    if (at < 2 || !inSet(SCHEME_CHARS, text.charCodeAt(at - 1))) continue;
    const schemeStart = runStart(text, at, SCHEME_CHARS, 32);
    if (at - schemeStart < 2) continue;
    const userStart = at + 3;
    const userEnd = runEnd(text, userStart, USER_CHARS, MAX_USER + 1);
    if (userEnd === text.length || userEnd - userStart > MAX_USER) continue;
    if (text.charCodeAt(userEnd) !== 58) continue;
    const start = userEnd + 1;
    const end = runEnd(text, start, PASSWORD_CHARS, MAX_PASSWORD + 1);
    if (end === text.length && !final) {
      if (start >= ctx.from) holdFrom(ctx, start);
      continue;
    }
    if (end - start > MAX_PASSWORD || text.charCodeAt(end) !== 64 || end === start) continue;
    if (start < ctx.from || !isRealPassword(text.slice(start, end))) continue;
    ctx.findings.push({ start, end, type: 'connection-string' });
  }
}
