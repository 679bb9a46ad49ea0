import { describe, expect, it } from 'vitest';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { datasetsPresent, decode, rows } from './dataset-rows.ts';
import { pemBlock, randomSource, SAMPLES } from './fake-secrets.ts';

// The stream redactor keeps what its rules learnt from one scan of its buffer for the next (the
// names already judged, where their values start) and drops released text from the front of the
// buffer. Whatever the chunking, its output must equal the redaction of the whole text: checked
// here on walls that keep those paths busy, on generated documents and on the development set.

const random = randomSource(99);
const pick = (alphabet: string, n: number): string =>
  Array.from({ length: n }, () => alphabet[random(alphabet.length)]).join('');
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const WORD = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** A bare 40-character AWS secret access key shape. */
const awsSecret = (): string => pick(BASE64, 40);

/** Chunk sizes: fixed ones, and random sizes of 1 to 200 characters. */
const CHUNKINGS: ReadonlyArray<readonly [string, () => number]> = [
  ['1', () => 1],
  ['3', () => 3],
  ['7', () => 7],
  ['64', () => 64],
  ['257', () => 257],
  ['random', () => 1 + random(200)],
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

function expectEveryChunking(name: string, text: string): void {
  const expected = redactSecrets(text).text;
  for (const [chunking, size] of CHUNKINGS) {
    const out = streamed(text, size);
    if (out !== expected) expect(out, `${name}, chunks of ${chunking}`).toBe(expected);
  }
}

const wall = (unit: string, length = 12_000): string =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

describe('stream output equals batch output for every chunking', () => {
  it('on adversarial walls', () => {
    const walls: Array<[string, string]> = [
      ['password= repeated', wall('password=')],
      ['api_key almost values', wall('api_key: x')],
      ['user:pass without @', wall('://user:pass ')],
      ['token prefixes', wall('xoxb-123-sk-ab ')],
      [
        'private-key headers with short bodies',
        wall(`-----BEGIN PRIVATE KEY-----\n${'A'.repeat(31)} `),
      ],
      ['eyJ segments', wall('eyJhbGciOiJIUzI1NiJ9.')],
      ['BEGIN without END', wall('-----BEGIN ')],
      ['names with quoted values', wall(`"api_token": "${pick(WORD, 6)}Q7", `)],
    ];
    for (const [name, text] of walls) expectEveryChunking(name, text);
  });

  it('on names followed by AWS secret keys at every distance', () => {
    // Each key is found only through the name before it, up to 120 characters back, which a later
    // scan knows from the names it carries over.
    const parts: string[] = [];
    for (let gap = 0; gap <= 130; gap += 3) {
      parts.push(`the secret for job ${gap} is`, ' '.repeat(1 + (gap % 5)), pick(WORD, gap));
      parts.push(' ', awsSecret(), gap % 2 === 0 ? '\n' : ' and token: ');
    }
    expectEveryChunking('AWS keys after names', parts.join(''));
  });

  it('on an AWS key held open with a name inside it, at every split', () => {
    // The key is found through the name before it, whose value the first scan already decided;
    // the name inside the key must not make a later scan forget that earlier name.
    const key = `k9apiToken+${pick(BASE64, 29)}`;
    const text = `secret=${pick(WORD, 8)}7 ${key} done`;
    const expected = redactSecrets(text).text;
    expect(expected).not.toContain(key);
    for (let i = 0; i <= text.length; i++) {
      const redactor = createStreamRedactor();
      const out = redactor.push(text.slice(0, i)) + redactor.push(text.slice(i)) + redactor.flush();
      if (out !== expected) expect(out, `split at ${i}`).toBe(expected);
    }
  });

  it('on names and values around a private key longer than the context kept', () => {
    const text = [
      `aws_secret_access_key = ${awsSecret()}\nthe secret is below\n`,
      pemBlock('RSA PRIVATE KEY', 1500),
      `\npassword: ${pick(WORD, 12)}X9 and the secret key is ${awsSecret()}\n`,
    ].join('');
    expectEveryChunking('private key between names', text);
  });

  it('on generated documents', () => {
    const fragments: Array<() => string> = [
      () => 'password',
      () => 'api_key',
      () => 'client_secret',
      () => 'aws_secret_access_key',
      () => 'Authorization: Bearer ',
      () => 'the password is ',
      () => '--token ',
      () => pick('=:"\' \n,([?&`', 1 + random(3)),
      () => '://',
      () => 'postgres://',
      () => 'user',
      () => '@db.internal',
      awsSecret,
      () => pick(BASE64, 30 + random(15)),
      () => pick(WORD, 5 + random(20)),
      () => (SAMPLES[random(SAMPLES.length)] as { text: string }).text,
      () => '-----BEGIN PRIVATE KEY-----\n',
      () => `${pick(BASE64, 64)}\n`,
      () => '-----END PRIVATE KEY-----',
      () => 'password='.repeat(1 + random(40)),
      () => ' '.repeat(random(80)),
    ];
    for (let round = 0; round < 150; round++) {
      const parts: string[] = [];
      for (let n = 1 + random(50); n > 0; n--) {
        parts.push((fragments[random(fragments.length)] as () => string)());
      }
      expectEveryChunking(`document ${round}`, parts.join(''));
    }
  });
});

describe.skipIf(!datasetsPresent)('development set', () => {
  it('stream output equals batch output for every row and chunking', () => {
    for (const row of rows('secrets.jsonl')) expectEveryChunking(String(row.id), decode(row.text));
  });
});
