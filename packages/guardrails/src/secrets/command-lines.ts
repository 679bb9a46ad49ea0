import { charSet, runEnd } from '../chars.ts';
import { re } from '../patterns.ts';
import { isFakeToken, isStandInValue } from './placeholders.ts';
import { holdFrom, type JudgedValue, type ScanContext } from './scan-context.ts';

// Passwords that a command line or a `.netrc` file gives away by position rather than by a
// `name=` assignment: `psexec \\host -u admin -p <pw>`, `sshpass -p <pw> ssh …`,
// `mysql -u root -p<pw>`, `machine host login user password <pw>`. Each is found from a literal
// that `indexOf` finds quickly (`-p`, `machine`); only then is the line read.

/** A command that takes its password as `-p <pw>` or, the MySQL clients, as `-p<pw>`. */
const COMMAND = re(
  /\b(?:[Pp][Ss][Ee][Xx][Ee][Cc](?:64)?(?:\.[Ee][Xx][Ee])?|sshpass|mysql(?:dump|admin)?)\b/g,
);
/** A `.netrc` entry up to its password, read where `machine` starts. */
const NETRC = re(
  /machine[ \t]{1,8}[^\s]{1,100}[ \t]{1,8}login[ \t]{1,8}[^\s]{1,64}[ \t]{1,8}password[ \t]{1,8}/y,
);
/** The longest `.netrc` lead. */
const MAX_NETRC_LEAD = 7 + 100 + 5 + 64 + 8 + 4 * 8;
/** How far along its line a command's `-p` may follow it. */
const MAX_ARGUMENTS = 200;
const MAX_BLANKS = 8;
/**
 * How far before its password a `-p` may be (blanks and a quote): with MAX_ARGUMENTS and the
 * longest command name, a password is read at most 240 characters after what leads to it, within
 * the context a stream keeps (LOOKBEHIND).
 */
const MAX_FLAG_LEAD = 2 + MAX_BLANKS + 1;
const MAX_COMMAND = 14;
const MAX_PASSWORD = 128;
const MIN_PASSWORD = 6;
/** Printable, but a backtick ends the code span a command is written in. */
const UNQUOTED = charSet('!-_a-~');
const QUOTED = charSet(' -~');

const isBlank = (code: number): boolean => code === 32 || code === 9;

/** The first line break at or after a point, searched forward only (queries never go back). */
interface NextNewline {
  from: number;
  at: number;
}

function newlineAfter(cache: NextNewline, text: string, from: number): number {
  if (from > cache.at || from < cache.from) {
    const at = text.indexOf('\n', from);
    cache.at = at === -1 ? text.length : at;
  }
  cache.from = from;
  return cache.at;
}

/**
 * The commands before a point, read forward as the points advance: `at` is the end of the last
 * one before the point (-1 if none yet), `next` the end of the one after it (0 before the first
 * read, -1 when there is none).
 */
interface Commands {
  next: number;
  at: number;
  attached: boolean;
}

/** The end of the next command, or -1; `test` rather than `exec`: no match object per command. */
const nextCommandEnd = (text: string): number => (COMMAND.test(text) ? COMMAND.lastIndex : -1);

function advanceCommands(commands: Commands, text: string, to: number): void {
  if (commands.next === 0) commands.next = nextCommandEnd(text);
  while (commands.next !== -1 && commands.next <= to) {
    commands.at = commands.next;
    // The MySQL clients (`mysql`, `mysqldump`, `mysqladmin`) take `-p<pw>`; the others end in
    // `c`, `4`, `e` or `s`.
    const last = text.charCodeAt(commands.at - 1);
    commands.attached = last === 108 || last === 112 || last === 110;
    commands.next = nextCommandEnd(text);
  }
}

function isPassword(value: string): boolean {
  return !isFakeToken(value) && !isStandInValue(value);
}

/** The password that starts at `start` (quoted or not), if it is one. */
function readPassword(ctx: ScanContext, start: number, last: JudgedValue): void {
  const { text } = ctx;
  const quote = text.charCodeAt(start);
  const quoted = quote === 34 || quote === 39;
  const valueStart = quoted ? start + 1 : start;
  let end = runEnd(text, valueStart, quoted ? QUOTED : UNQUOTED, MAX_PASSWORD + 1);
  if (quoted) {
    const close = text.indexOf(String.fromCharCode(quote), valueStart);
    if (close !== -1 && close <= end) end = close;
  }
  if (end === text.length && !ctx.final) {
    if (valueStart >= ctx.from) holdFrom(ctx, valueStart);
    return;
  }
  if (valueStart < ctx.from || end - valueStart > MAX_PASSWORD) return;
  if (end - valueStart < MIN_PASSWORD) return;
  const value = text.slice(valueStart, end);
  if (value !== last.value) {
    last.value = value;
    last.password = isPassword(value);
  }
  if (last.password) ctx.findings.push({ start: valueStart, end, type: 'command-line-password' });
}

/** `-p <pw>` and `-p<pw>` after a command on the same line. */
function scanFlags(ctx: ScanContext, last: JudgedValue): void {
  const { text } = ctx;
  const from = Math.max(0, ctx.from - MAX_FLAG_LEAD);
  const commands: Commands = { next: 0, at: -1, attached: false };
  COMMAND.lastIndex = Math.max(0, from - MAX_ARGUMENTS - MAX_COMMAND);
  const line: NextNewline = { from: -1, at: -1 };
  for (let i = text.indexOf('-p', from); i !== -1; i = text.indexOf('-p', i + 2)) {
    if (i === 0 || !isBlank(text.charCodeAt(i - 1))) continue;
    // The last command before the flag, within reach and on its line.
    advanceCommands(commands, text, i);
    const command = commands.at;
    if (command === -1 || i - command > MAX_ARGUMENTS) continue;
    if (newlineAfter(line, text, command) < i) continue;
    const after = text.charCodeAt(i + 2);
    if (commands.attached) {
      // `-p` alone asks for the password at a prompt; `-psecret` gives it.
      if (i + 2 < text.length && after > 32 && after !== 45) readPassword(ctx, i + 2, last);
    } else if (isBlank(after)) {
      let j = i + 2;
      while (j < text.length && j - i < 2 + MAX_BLANKS && isBlank(text.charCodeAt(j))) j++;
      if (j < text.length && !isBlank(text.charCodeAt(j))) readPassword(ctx, j, last);
    }
  }
  COMMAND.lastIndex = 0;
}

function scanNetrc(ctx: ScanContext, last: JudgedValue): void {
  const { text } = ctx;
  const from = Math.max(0, ctx.from - MAX_NETRC_LEAD);
  for (let i = text.indexOf('machine', from); i !== -1; i = text.indexOf('machine', i + 7)) {
    const before = text.charCodeAt(i - 1);
    if (i > 0 && !isBlank(before) && before !== 10) continue;
    NETRC.lastIndex = i;
    if (NETRC.test(text) && NETRC.lastIndex < text.length) readPassword(ctx, NETRC.lastIndex, last);
  }
  NETRC.lastIndex = 0;
}

export function scanCommandLinePasswords(ctx: ScanContext): void {
  // The last values judged: a wall of the same command, or the next scan of a stream, judges
  // them once.
  scanFlags(ctx, ctx.carry?.lastFlag ?? { value: '', password: false });
  scanNetrc(ctx, ctx.carry?.lastNetrc ?? { value: '', password: false });
}
