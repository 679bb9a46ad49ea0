import { describe, expect, it } from 'vitest';
import { line, printable, shownUrl } from '../../src/cli/terminal.ts';

const ACTIVE = /(?![\n\t])\p{Cc}/u;

describe('what the CLI writes to a terminal', () => {
  it('keeps text, newlines and tabs, and drops every control a terminal would act on', () => {
    const hostile =
      'a\u001b]52;c;ZWNobw==\u0007b\u001b[2J\u001b[31mc\u001b]8;;http://evil.example\u001b\\d\u001b]8;;\u001b\\\r\n\te\u009b2J\u009d0;x\u0007\u007f\u0000f';
    const shown = printable(hostile);
    expect(shown).not.toMatch(ACTIVE);
    expect(shown).toBe('abcd\n\te0;xf');
    expect(printable('Plain text, ünïcode — and emoji 🎉\n')).toBe(
      'Plain text, ünïcode — and emoji 🎉\n',
    );
  });

  it('drops the characters that reorder or break the text shown', () => {
    const bidi = [
      ...'\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029',
    ];
    for (const char of bidi) expect(printable(`file${char}txt.exe`)).toBe('filetxt.exe');
    // Joiners are text (emoji sequences, scripts), not controls.
    expect(printable('👩\u200d💻 x\u200cy')).toBe('👩\u200d💻 x\u200cy');
  });

  it('cleans every value put into a line, and only the values', () => {
    const title = 'Guide\u001b]8;;http://evil.example\u001b\\';
    expect(line`  [1] ${title} — ${'docs/\u001b[2Jguide.md'}\n`).toBe(
      '  [1] Guide — docs/guide.md\n',
    );
    expect(line`\u001b[2K${'x'}`).toBe('\u001b[2Kx');
  });

  it('shows an address without its user and password, however it is spelled', () => {
    expect(shownUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(shownUrl('http://admin:S3cret@host:1/x')).toBe('http://***@host:1/x'); // secret-scan: allow
    expect(shownUrl('https://token@host')).toBe('https://***@host');
    expect(shownUrl('HTTP://a:b@c@host')).toBe('HTTP://***@host'); // secret-scan: allow
    expect(shownUrl('http://admin:S3c/ret@host')).toBe('http://***@host');
    expect(shownUrl('http:\\\\admin:S3cret@host')).toBe('http:***@host');
    expect(shownUrl('//admin:S3cret@host')).not.toContain('S3cret');
    expect(shownUrl('admin:S3cret@host')).not.toContain('S3cret');
  });
});
