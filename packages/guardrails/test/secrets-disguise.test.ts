import { describe, expect, it } from 'vitest';
import { covered, formatSamples, TUNING } from '../eval/secret-formats.ts';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { randomSource, SAMPLES } from './fake-secrets.ts';

// A credential disguised so that it no longer matches an ASCII rule, yet reads (or decodes) as the
// same credential: each disguise below is applied to the secret alone, and the redaction must
// remove the whole disguised span, the invisible characters in it included, in one piece and as
// the same type, whether the text arrives whole or streamed in chunks of any size.

/** `insert` after every `every` characters, between two characters of the secret. */
const each = (every: number, insert: string) => (secret: string) =>
  [...secret]
    .map((ch, i, all) => (i % every === every - 1 && i < all.length - 1 ? ch + insert : ch))
    .join('');
const mapAscii = (map: (code: number) => string) => (secret: string) =>
  [...secret].map((ch) => map(ch.charCodeAt(0))).join('');

const CYRILLIC_AND_GREEK: Record<string, string> = {
  a: 'а',
  c: 'с',
  e: 'е',
  o: 'ο',
  p: 'р',
  x: 'х',
  y: 'у',
  A: 'Α',
  B: 'В',
  E: 'Ε',
  H: 'Н',
  K: 'К',
  M: 'Μ',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Χ',
};

/** Mathematical bold: A–Z, a–z and 0–9 each have a block of their own. */
function mathBold(code: number): string {
  if (code >= 65 && code <= 90) return String.fromCodePoint(0x1d400 + code - 65);
  if (code >= 97 && code <= 122) return String.fromCodePoint(0x1d41a + code - 97);
  if (code >= 48 && code <= 57) return String.fromCodePoint(0x1d7ce + code - 48);
  return String.fromCharCode(code);
}

/** Letterlike symbols, Roman numerals and modifier letters: each folds to ASCII by NFKC. */
const LETTERLIKE: Record<string, string> = {
  h: '\u210e',
  K: '\u212a',
  I: '\u2160',
  V: '\u2164',
  X: '\u2169',
  L: '\u216c',
  C: '\u216d',
  D: '\u216e',
  M: '\u216f',
  i: '\u2170',
  v: '\u2174',
  l: '\u217c',
  d: '\u217e',
  m: '\u217f',
  j: '\u02b2',
  r: '\u02b3',
  w: '\u02b7',
  y: '\u02b8',
  s: '\u02e2',
  x: '\u02e3',
};
/** Look-alikes from Armenian, Cherokee and Greek that no fold turns into ASCII. */
const OTHER_SCRIPTS: Record<string, string> = {
  o: '\u0585',
  u: '\u057d',
  h: '\u0570',
  n: '\u0578',
  A: '\u13aa',
  E: '\u13ac',
  W: '\u13b3',
  c: '\u03f2',
  j: '\u03f3',
};
const substitute = (table: Record<string, string>) => (secret: string) =>
  [...secret].map((ch) => table[ch] ?? ch).join('');
/** Each line reversed between bidi controls: it displays as the secret (a line ends them). */
const rightToLeft = (open: string, close: string) => (secret: string) =>
  secret
    .split('\n')
    .map((line) => `${open}${[...line].reverse().join('')}${close}`)
    .join('\n');
const TOKEN_CHAR = /^[A-Za-z0-9_-]$/;
/** `insert` after every fourth character where both neighbours are word characters. */
const between = (insert: string) => (secret: string) =>
  [...secret]
    .map((ch, i, all) =>
      i % 4 === 3 && TOKEN_CHAR.test(ch) && TOKEN_CHAR.test(all[i + 1] ?? '') ? ch + insert : ch,
    )
    .join('');
/** Every third character written as a hexadecimal character reference. */
const references = (secret: string): string =>
  [...secret].map((ch, i) => (i % 3 === 1 ? `&#x${ch.charCodeAt(0).toString(16)};` : ch)).join('');

const DISGUISES: ReadonlyArray<readonly [string, (secret: string) => string]> = [
  ['zero-width spaces', each(3, '\u200b')],
  ['zero-width joiners and word joiners', each(2, '\u200d\u2060')],
  ['soft hyphens', each(5, '\u00ad')],
  ['a byte-order mark and bidi marks', each(4, '\ufeff\u200e')],
  ['bidi isolates', each(6, '\u2066\u2069')],
  ['combining marks', each(4, '\u0332')],
  [
    'circled letters',
    mapAscii((c) =>
      c >= 65 && c <= 90
        ? String.fromCodePoint(0x24b6 + c - 65)
        : c >= 97 && c <= 122
          ? String.fromCodePoint(0x24d0 + c - 97)
          : String.fromCharCode(c),
    ),
  ],
  ['variation selectors', each(3, '\ufe0f')],
  [
    'fullwidth forms',
    mapAscii((c) =>
      c >= 0x21 && c <= 0x7e ? String.fromCharCode(c + 0xfee0) : String.fromCharCode(c),
    ),
  ],
  ['mathematical bold letters', mapAscii(mathBold)],
  [
    'Cyrillic and Greek look-alikes',
    (s) => s.replace(/[aceopxyABEHKMOPTX]/g, (ch) => CYRILLIC_AND_GREEK[ch] ?? ch),
  ],
  ['letterlike symbols, Roman numerals and modifier letters', substitute(LETTERLIKE)],
  ['Armenian, Cherokee and Greek look-alikes', substitute(OTHER_SCRIPTS)],
  ['format characters outside the usual lists', each(3, '\ufff9\u{1bca0}\u{1d173}\u{13430}\u2800')],
  ['combining marks of other scripts', each(4, '\u0483\u05b0\u0951')],
  ['a right-to-left override of the reversed text', rightToLeft('\u202e', '\u202c')],
  ['a right-to-left isolate of the reversed text', rightToLeft('\u2067', '\u2069')],
  ['Markdown emphasis and code markers inside it', between('**')],
  ['Markdown strikethrough and code markers inside it', between('~~`')],
  ['Markdown backslash escapes', (s) => between('**')(s).replace(/[-+/=_.]/g, '\\$&')],
  ['HTML character references', references],
  [
    'tag characters (ASCII smuggling)',
    mapAscii((c) =>
      c >= 0x20 && c <= 0x7e ? String.fromCodePoint(0xe0000 + c) : String.fromCharCode(c),
    ),
  ],
];

/** Chunk sizes in UTF-16 code units: 1 cuts every surrogate pair in two. */
const random = randomSource(1409);
const CHUNKINGS: ReadonlyArray<readonly [string, () => number]> = [
  ['1', () => 1],
  ['2', () => 2],
  ['7', () => 7],
  ['64', () => 64],
  ['random', () => 1 + random(40)],
];

function streamed(text: string, size: () => number): string {
  const redactor = createStreamRedactor();
  let out = '';
  for (let at = 0; at < text.length; ) {
    const n = size();
    out += redactor.push(text.slice(at, at + n));
    at += n;
  }
  return out + redactor.flush();
}

describe('disguised secrets are redacted whole', () => {
  for (const [disguise, apply] of DISGUISES) {
    it(`${disguise}: every credential type, whole and streamed`, () => {
      for (const { type, secret, text } of SAMPLES) {
        const hidden = apply(secret);
        expect(hidden).not.toBe(secret);
        const disguised = text.replace(secret, hidden);
        const result = redactSecrets(disguised);
        const start = disguised.indexOf(hidden);
        const where = `${type} in ${JSON.stringify(disguised)}`;
        expect(covered(result.redactions, start, start + hidden.length), where).toBe(true);
        expect(result.text, where).toBe(disguised.replace(hidden, `[REDACTED:${type}]`));
        for (const [chunking, size] of CHUNKINGS) {
          const out = streamed(disguised, size);
          if (out !== result.text) expect(out, `${where}, chunks of ${chunking}`).toBe(result.text);
        }
      }
    });
  }

  it('a single tilde inside a token is not taken for strikethrough', () => {
    // An Azure client secret has `Q~` and may hold more tildes; zero-width characters around them.
    const secret = '5KP4Q~fX365s.7h~iYzmgotsK8UNQpfA.54bBxzJ'; // secret-scan: allow
    const hidden = each(3, '\u200b')(secret);
    const text = `{"value": "${hidden}"}`;
    expect(redactSecrets(text).text).toBe('{"value": "[REDACTED:azure-ad-client-secret]"}');
  });

  it('a redaction reports offsets into the original, disguised text', () => {
    const sample = SAMPLES.find((s) => s.type === 'github-pat');
    const secret = sample?.secret ?? '';
    const hidden = each(1, '\u200b')(secret);
    const text = `tok\u00e9n ${hidden} end`;
    expect(redactSecrets(text).redactions).toEqual([
      { type: 'github-pat', start: 6, end: 6 + hidden.length },
    ]);
  });

  it('a canary disguised with invisible characters is still removed', () => {
    const canary = 'CANARY-7f3a9c1e';
    const text = `leak: ${each(2, '\u200b')(canary)} done`;
    const redactor = createStreamRedactor({ canaries: [canary] });
    const out = [...text].map((ch) => redactor.push(ch)).join('') + redactor.flush();
    expect(out).toBe('leak: [REDACTED:canary] done');
  });
});

describe('disguises do not make look-alikes secrets', () => {
  const lookAlikes = formatSamples(TUNING, 2).filter((s) => s.secret === null);
  for (const [disguise, apply] of DISGUISES) {
    it(`hashes, UUIDs, ARNs, public IDs and placeholders in ${disguise}`, () => {
      for (const sample of lookAlikes) {
        const text = apply(sample.text);
        expect(redactSecrets(text).redactions, `${sample.type}: ${text}`).toEqual([]);
      }
    });
  }

  it('reads a reference named like a property of every object as text', () => {
    // `&toString;` and `&valueOf;` once looked a name up on an object and crashed the redaction.
    const texts = [
      'a &toString; b',
      '&valueOf;',
      'x&constructor;',
      '&__proto__;',
      'sk&hasOwnProperty;',
    ];
    for (const text of texts) {
      expect(redactSecrets(text), text).toEqual({ text, redactions: [] });
      const redactor = createStreamRedactor();
      expect([...text].map((ch) => redactor.push(ch)).join('') + redactor.flush()).toBe(text);
    }
  });

  it('leaves prose in other scripts untouched', () => {
    const texts = [
      'Пароль от Wi‑Fi спросите у администратора; ключ доступа хранится в сейфе.',
      'Ο κωδικός πρόσβασης αλλάζει κάθε μήνα και το κλειδί API δεν κοινοποιείται.',
      'Le mot de passe est stocké dans le coffre‑fort ; la clé d’API n’est jamais affichée.',
      'Das Passwort wird nie im Klartext gespeichert – der Schlüssel liegt im Tresor.',
      '"pass": "Élément a un rôle ARIA valide", "token": "Dokument hat keine Überschrift"',
      'パスワードは管理者に聞いてください。トークンは共有しないでください。',
    ];
    for (const text of texts) expect(redactSecrets(text), text).toEqual({ text, redactions: [] });
  });
});
