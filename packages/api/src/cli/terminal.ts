import { stripVTControlCharacters } from 'node:util';

/**
 * Every character a terminal may act on rather than show (Unicode's `Cc`): C0 controls but
 * newline and tab (ESC starts a sequence, BEL ends an OSC one, CR overwrites the line), DEL, and
 * C1 controls (U+009B and U+009D are CSI and OSC on their own for some terminals). With them,
 * the characters that reorder or break what is shown rather than being shown: the bidirectional
 * controls (`Bidi_Control`: U+202A–202E, U+2066–2069, U+200E/200F, U+061C, which make
 * `file\u202Etxt.exe` read `fileexe.txt`) and the line and paragraph separators (`Zl`, `Zp`).
 */
const CONTROLS = /(?![\n\t])[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}]/gu;

/**
 * `text` as something a terminal only shows: whole escape sequences first (so a colour or a
 * link does not leave its parameters behind), then every control character left, which also
 * defuses a sequence split across two pieces of a stream.
 */
export function printable(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROLS, '');
}

/**
 * A template tag for a line the CLI writes: its own text as written, every value put in it
 * (model text, titles, server messages, paths, addresses) through `printable`.
 */
export function line(parts: TemplateStringsArray, ...values: unknown[]): string {
  return parts.reduce((out, part, i) => out + printable(String(values[i - 1])) + part);
}

/**
 * A server address as the CLI may print it: whatever stands between its scheme and its last `@`
 * (`http://admin:pw@host` → `http://***@host`, an example: secret-scan: allow) may be a user and
 * password, and is replaced. Cut at the last `@` and not where a URL parser would stop, so an
 * address a parser reads another way (`http://admin:12/34@host`) or refuses leaks no part of a
 * password either; an address without `@` carries none and is shown as typed.
 */
export function shownUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^[a-z][a-z0-9+.-]*:(?:\/\/)?/i.exec(url)?.[0] ?? '';
  return `${scheme}***${url.slice(at)}`;
}
