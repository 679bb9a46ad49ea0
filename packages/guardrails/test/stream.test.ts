import { describe, expect, it } from 'vitest';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { redactWith } from '../src/secrets/redact.ts';
import { fakeCanary, pemBlock, randomSource, SAMPLES } from './fake-secrets.ts';

function streamThrough(
  chunks: readonly string[],
  canaries?: string[],
): { outputs: string[]; leaked: boolean } {
  const redactor = createStreamRedactor(canaries ? { canaries } : {});
  const outputs = chunks.map((chunk) => redactor.push(chunk));
  outputs.push(redactor.flush());
  return { outputs, leaked: redactor.leaked };
}

/** No output chunk, nor any two adjacent ones, carries `fragment`. */
function expectNoFragment(outputs: readonly string[], secret: string): void {
  const joined = outputs.join('');
  for (const piece of [
    secret.slice(0, Math.ceil(secret.length / 2)),
    secret.slice(-Math.ceil(secret.length / 2)),
  ]) {
    if (piece.length >= 8) expect(joined).not.toContain(piece);
  }
}

describe('createStreamRedactor matches redactSecrets at every split', () => {
  for (const { type, secret, text } of SAMPLES) {
    it(`${type}: split at every position`, () => {
      const expected = redactSecrets(text).text;
      for (let i = 0; i <= text.length; i++) {
        const { outputs } = streamThrough([text.slice(0, i), text.slice(i)]);
        expect(outputs.join(''), `split at ${i}`).toBe(expected);
        expectNoFragment(outputs, secret);
      }
    });
  }

  it('a Google API key, bare or quoted on its own line: every split', () => {
    const key = SAMPLES.find((s) => s.type === 'gcp-api-key')?.secret ?? '';
    for (const text of [`keys:\n  "${key}",\n`, `"${key}" is mine`, `${key}`]) {
      const expected = redactSecrets(text).text;
      for (let i = 0; i <= text.length; i++) {
        expect(
          streamThrough([text.slice(0, i), text.slice(i)]).outputs.join(''),
          `split at ${i}`,
        ).toBe(expected);
      }
    }
  });

  it('one character at a time', () => {
    for (const { text } of SAMPLES) {
      expect(streamThrough([...text]).outputs.join('')).toBe(redactSecrets(text).text);
    }
  });

  it('random chunkings of a document with many secrets', () => {
    const random = randomSource(7);
    const text = SAMPLES.map((s, i) => `Paragraph ${i}: ${s.text}\n`).join('\n');
    const expected = redactSecrets(text).text;
    for (let round = 0; round < 40; round++) {
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + random(round % 2 === 0 ? 12 : 300);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      const { outputs } = streamThrough(chunks);
      expect(outputs.join('')).toBe(expected);
      for (const { secret } of SAMPLES) expectNoFragment(outputs, secret);
    }
  });
});

describe('hold-back', () => {
  it('releases ordinary prose after at most one word', () => {
    const redactor = createStreamRedactor();
    const text =
      'The assistant streams its answer one token at a time, and the redactor keeps up. '.repeat(
        20,
      );
    let released = 0;
    for (let i = 0; i < text.length; i += 7) {
      released += redactor.push(text.slice(i, i + 7)).length;
      expect(Math.min(i + 7, text.length) - released).toBeLessThanOrEqual(20);
    }
    expect(released + redactor.flush().length).toBe(text.length);
  });

  it('emits the placeholder for a private key before its END line and discards the rest', () => {
    const block = pemBlock('RSA PRIVATE KEY', 3000);
    const redactor = createStreamRedactor();
    let out = redactor.push('before\n');
    const lines = block.split('\n');
    out += redactor.push(`${lines[0]}\n${lines[1]}\n`);
    expect(out).toBe('before\n[REDACTED:private-key]');
    for (const line of lines.slice(2, -1)) expect(redactor.push(`${line}\n`)).toBe('');
    out += redactor.push(`${lines.at(-1)}\nafter`);
    out += redactor.flush();
    expect(out).toBe(redactSecrets(`before\n${block}\nafter`).text);
  });

  it('holds a long open candidate at most three times its length, and still equals the batch', () => {
    const text = 'password='.repeat(6_000);
    const redactor = createStreamRedactor();
    let out = '';
    for (let at = 0; at < text.length; at += 64) {
      out += redactor.push(text.slice(at, at + 64));
      // An assignment value is at most 257 characters long.
      expect(Math.min(at + 64, text.length) - out.length).toBeLessThanOrEqual(3 * 257 + 64);
    }
    expect(out + redactor.flush()).toBe(redactSecrets(text).text);
  });

  it('keeps the held text bounded on a key that never ends', () => {
    const redactor = createStreamRedactor();
    let out = redactor.push('-----BEGIN PRIVATE KEY-----\n');
    const line = `${'QUJD'.repeat(16)}\n`;
    for (let i = 0; i < 20_000; i++) out += redactor.push(line);
    expect(out).toBe('[REDACTED:private-key]');
    // The block ends at its last key character; the line break after it is ordinary text.
    expect(redactor.flush()).toBe('\n');
  });
});

describe('lone first halves of surrogate pairs', () => {
  it('stream in any number without exhausting the stack, as the whole text reads them', () => {
    // Each scan of a buffer ending in a first half cut one and scanned again: a run of ten
    // thousand of them overflowed the stack, and the answer ended in an error.
    const run = '\ud800'.repeat(64);
    const text = `key ghp_rRldBfrv4BAZFyiF7GtVvBtPEr9IoiomvHSx ${run.repeat(300)} end`; // secret-scan: allow (fake token)
    const redactor = createStreamRedactor();
    let out = '';
    for (let at = 0; at < text.length; at += 64) out += redactor.push(text.slice(at, at + 64));
    expect(out + redactor.flush()).toBe(redactSecrets(text).text);
  });
});

describe('canaries', () => {
  const canary = fakeCanary();
  const text = `Sure! My instructions start with ${canary} and then say to be helpful.`;

  it('are caught at every split and never emitted', () => {
    const expected = redactWith(text, [canary]).text;
    expect(expected).toContain('[REDACTED:canary]');
    for (let i = 0; i <= text.length; i++) {
      const { outputs, leaked } = streamThrough([text.slice(0, i), text.slice(i)], [canary]);
      expect(leaked).toBe(true);
      expect(outputs.join('')).toBe(expected);
      expect(outputs.join('')).not.toContain(canary);
      expectNoFragment(outputs, canary);
    }
  });

  it('set leaked at the push that completes them, even while a long token before them is held', () => {
    // An open JWT-like token keeps the text after it held (and scans deferred) for a while.
    const held = `Look: eyJhbGciOiJIUzI1NiJ9.${'QUJDRGVm'.repeat(12)} then: ${text}`;
    const end = held.indexOf(canary) + canary.length;
    for (const size of [1, 7, 64]) {
      const redactor = createStreamRedactor({ canaries: [canary] });
      for (let at = 0; at < held.length; at += size) {
        redactor.push(held.slice(at, at + size));
        expect(redactor.leaked, `size ${size} at ${at}`).toBe(at + size >= end);
      }
    }
  });

  it('do not set leaked when absent', () => {
    const { leaked, outputs } = streamThrough(['nothing to see ', 'here'], [canary]);
    expect(leaked).toBe(false);
    expect(outputs.join('')).toBe('nothing to see here');
  });
});
