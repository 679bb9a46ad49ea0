// Throughput of detectInjection, redactSecrets and the stream redactor on ~10 MB of mixed realistic
// text, and their time on 1 MB adversarial inputs, each beside a naive baseline measured in the
// same run (one regular-expression pass for the same job). Targets: >= 30 MB/s for detectInjection
// (rules and model), >= 50 MB/s for redactSecrets, <= 1 ms p99 for detectInjection on a 16 KB
// message, <= 50 ms per 1 MB adversarial input for all three (the stream redactor fed 64-character
// chunks); the stream's throughput has no target. detectInjection is also timed on the prose, code
// and data parts of the corpus alone. The bench reports, it never fails on times.
import { resolve } from 'node:path';
import { createStreamRedactor, detectInjection, redactSecrets } from '../src/index.ts';
import { categoryOf, mixedCorpus } from './corpus.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CORPUS_CHARS = 10_000_000;
const RUNS = 5;
/** The adversarial inputs are small: more runs, for a steadier best. */
const ADVERSARIAL_RUNS = 5;
const INJECTION_TARGET = 30;
const REDACTION_TARGET = 50;
const MESSAGE_CHARS = 16_384;
const MESSAGE_P99_TARGET_MS = 1;
const ADVERSARIAL_TARGET_MS = 50;
const MB = 1_000_000;

// Baselines: what one would write without this package.
const NAIVE_INJECTION =
  /ignore (?:all )?(?:previous|prior) instructions|system prompt|jailbreak|do anything now/i;
const NAIVE_SECRETS =
  /\b(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[bp]-[0-9A-Za-z-]{10,}|sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35})\b/g;

/**
 * Best of `runs` wall-clock times, in milliseconds, after one run that is not timed: the first
 * run compiles regular expressions and WebAssembly to their optimised code, which a server does
 * once.
 */
function best(work: () => void, runs = RUNS): number {
  work();
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

function throughput(
  name: string,
  docs: readonly string[],
  ours: (d: string) => void,
  baseline: (d: string) => void,
  target: number | null,
): void {
  const chars = docs.reduce((n, d) => n + d.length, 0);
  const oursMs = best(() => docs.forEach(ours));
  const baseMs = best(() => docs.forEach(baseline));
  const mbps = chars / MB / (oursMs / 1000);
  const verdict =
    target === null
      ? '(no target)'
      : `target >= ${target} MB/s ${mbps >= target ? 'ok' : 'MISSED'}`;
  console.log(
    `  ${name.padEnd(26)} ${mbps.toFixed(1).padStart(7)} MB/s  baseline ${(chars / MB / (baseMs / 1000)).toFixed(0).padStart(5)} MB/s  ` +
      `${(oursMs / baseMs).toFixed(1).padStart(5)}x the baseline's time  ${verdict}`,
  );
}

/** detectInjection's p99 on 16 KB messages cut from the corpus (after one untimed pass). */
function messageLatency(): void {
  const joined = docs.join('\n');
  const messages: string[] = [];
  for (let at = 0; at + MESSAGE_CHARS <= joined.length && messages.length < 600; at += 15_013) {
    messages.push(joined.slice(at, at + MESSAGE_CHARS));
  }
  for (const m of messages) detectInjection(m);
  const times = messages.map((m) => {
    const started = performance.now();
    detectInjection(m);
    return performance.now() - started;
  });
  times.sort((a, b) => a - b);
  const quantile = (q: number): number =>
    times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  const p99 = quantile(0.99);
  console.log(
    `  detectInjection, 16 KB message: p50 ${quantile(0.5).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (${times.length} messages)  target p99 <= ${MESSAGE_P99_TARGET_MS} ms ${p99 <= MESSAGE_P99_TARGET_MS ? 'ok' : 'MISSED'}`,
  );
}

function streamInChunks(text: string, size: number): void {
  const redactor = createStreamRedactor();
  for (let at = 0; at < text.length; at += size) redactor.push(text.slice(at, at + size));
  redactor.flush();
}

const MEGA = 1_000_000;
const repeatTo = (unit: string): string =>
  unit.repeat(Math.ceil(MEGA / unit.length)).slice(0, MEGA);
const base64Wall = (): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < MEGA; i++) out += alphabet[(i * 7919 + (i >> 5)) % 64];
  return out;
};

const ADVERSARIAL: Array<[string, () => string]> = [
  ["'eyJ' repeated", () => repeatTo('eyJ')],
  ["'eyJ…' segments without a signature", () => repeatTo('eyJhbGciOiJIUzI1NiJ9.')],
  ["'-----BEGIN ' without END", () => repeatTo('-----BEGIN ')],
  [
    'private-key header, key material, no END',
    () => `-----BEGIN RSA PRIVATE KEY-----\n${base64Wall()}`,
  ],
  [
    'private-key headers with short bodies',
    () => repeatTo(`-----BEGIN PRIVATE KEY-----\n${'A'.repeat(31)} `),
  ],
  ["'a' * 1e6", () => 'a'.repeat(MEGA)],
  ['base64-ish wall', base64Wall],
  ['hex wall', () => repeatTo('0123456789abcdef')],
  ["'password=' repeated", () => repeatTo('password=')],
  ["'api_key: ' almost values", () => repeatTo('api_key: x')],
  ["'xoxb-' and 'sk-' prefixes", () => repeatTo('xoxb-123-sk-ab ')],
  ["'://user:' without '@'", () => repeatTo('://user:pass ')],
  ['separators inside words', () => repeatTo('i.g.n.o.r.e a-l-l p r e v i o u s ')],
  ["'ignore the ' repeated", () => repeatTo('ignore the ')],
  ['Morse-like dots and dashes', () => repeatTo('.- -... -.-. ')],
  ['long line of quotes', () => repeatTo(`'a "b `)],
  ['table rows without end', () => repeatTo('| a | b |\n')],
  ["Telegram-like ':AA' after digits", () => repeatTo('123456789:AA')],
  ["Azure-like 'Q~' walls", () => repeatTo('ab1Q~')],
  ["Mailchimp-like hex '-us'", () => repeatTo('0123456789abcdef0123456789abcdef-us')],
  ['Teams webhook hosts', () => repeatTo('https://a.webhook.office.com/webhookb2/')],
  ["'00D' Salesforce-like", () => repeatTo('00Dabc!')],
  ['base64 PEM prefix', () => repeatTo('LS0tLS1CRUdJTiBSU0Eg')],
  // Disguised text: every rule reads its unmasked view.
  ['zero-width characters between letters', () => repeatTo('ab\u200bcd\u200b')],
  ['fullwidth letters', () => repeatTo('ｇｈｐ＿ａｂ')],
  ['Cyrillic prose (look-alike letters)', () => repeatTo('Пароль от сервера хранится в сейфе. ')],
  [
    "'psexec -p' and 'machine … password' walls",
    () => repeatTo('psexec -p machine a login b password '),
  ],
  ['right-to-left overrides never closed', () => repeatTo('ab\u202ecd')],
  ['Markdown escapes, markers and references', () => repeatTo('sk\\_a**b&#x73;')],
  ['braille blanks and letterlike symbols', () => repeatTo('\u2800\u210e\u212a')],
];

function adversarial(): void {
  console.log(
    `\n1 MB adversarial inputs (target <= ${ADVERSARIAL_TARGET_MS} ms each; baseline: the naive regex)`,
  );
  const row = (name: string, ours: () => void, baseline: () => void): void => {
    const ms = best(ours, ADVERSARIAL_RUNS);
    const baseMs = best(baseline, ADVERSARIAL_RUNS);
    const verdict = ms <= ADVERSARIAL_TARGET_MS ? 'ok' : 'MISSED';
    console.log(
      `  ${name.padEnd(58)} ${ms.toFixed(1).padStart(7)} ms  baseline ${baseMs.toFixed(1).padStart(6)} ms  ${verdict}`,
    );
  };
  for (const [name, make] of ADVERSARIAL) {
    const text = make();
    row(
      `detectInjection: ${name}`,
      () => detectInjection(text),
      () => NAIVE_INJECTION.test(text),
    );
    row(
      `redactSecrets: ${name}`,
      () => redactSecrets(text),
      () => text.replace(NAIVE_SECRETS, '[REDACTED]'),
    );
    row(
      `stream (64-char chunks): ${name}`,
      () => streamInChunks(text, 64),
      () => text.replace(NAIVE_SECRETS, ''),
    );
  }
}

const docs = mixedCorpus(ROOT, CORPUS_CHARS);
const chars = docs.reduce((n, d) => n + d.length, 0);
console.log(
  `mixed corpus: ${docs.length} documents, ${(chars / MB).toFixed(1)} MB (best of ${RUNS} runs)`,
);
throughput(
  'detectInjection',
  docs,
  (d) => detectInjection(d),
  (d) => NAIVE_INJECTION.test(d),
  INJECTION_TARGET,
);
throughput(
  'redactSecrets',
  docs,
  (d) => redactSecrets(d),
  (d) => d.replace(NAIVE_SECRETS, '[REDACTED]'),
  REDACTION_TARGET,
);
throughput(
  'stream, 64-char chunks',
  docs,
  (d) => streamInChunks(d, 64),
  (d) => d.replace(NAIVE_SECRETS, '[REDACTED]'),
  null,
);
// The corpus's parts alone: where detectInjection is slower than the mix.
const byCategory = new Map<string, string[]>();
docs.forEach((doc, index) => {
  const category = categoryOf(index);
  byCategory.set(category, [...(byCategory.get(category) ?? []), doc]);
});
for (const [category, group] of byCategory) {
  throughput(
    `detectInjection, ${category} only`,
    group,
    (d) => detectInjection(d),
    (d) => NAIVE_INJECTION.test(d),
    null,
  );
}
messageLatency();
adversarial();
