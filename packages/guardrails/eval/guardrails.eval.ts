// Quality of the guardrails on the development sets (see datasets/guardrails/README.md beside the
// repository): injection recall and false positives per source and kind, secret-redaction recall
// per credential type and false positives per kind of look-alike. Exits 1 when a target is missed,
// 0 with "skipped" when the data is not on this machine.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectInjection, redactSecrets } from '../src/index.ts';

const TARGETS = {
  injectionRecall: 0.9,
  injectionFalsePositives: 0.02,
  secretRecall: 0.98,
  secretFalsePositives: 0.02,
};

const dataDir =
  process.env.GUARDRAILS_DATA_DIR ??
  resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets', 'guardrails');

interface Tally {
  hit: number;
  total: number;
}

function count(tallies: Map<string, Tally>, key: string, hit: boolean): void {
  const tally = tallies.get(key) ?? { hit: 0, total: 0 };
  tally.total++;
  if (hit) tally.hit++;
  tallies.set(key, tally);
}

const percent = (t: Tally): string => `${((100 * t.hit) / Math.max(1, t.total)).toFixed(1)}%`;

function table(title: string, what: string, tallies: Map<string, Tally>): Tally {
  console.log(`\n${title}`);
  const total: Tally = { hit: 0, total: 0 };
  for (const [key, tally] of [...tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    console.log(
      `  ${key.padEnd(44)} ${`${tally.hit}/${tally.total}`.padStart(9)}  ${what} ${percent(tally).padStart(6)}`,
    );
    total.hit += tally.hit;
    total.total += tally.total;
  }
  console.log(
    `  ${'total'.padEnd(44)} ${`${total.hit}/${total.total}`.padStart(9)}  ${what} ${percent(total).padStart(6)}`,
  );
  return total;
}

function readRows(file: string): Array<Record<string, unknown>> {
  return readFileSync(join(dataDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function evaluateInjection(): [Tally, Tally] {
  const caught = new Map<string, Tally>();
  const falseAlarms = new Map<string, Tally>();
  let chars = 0;
  const started = performance.now();
  for (const row of readRows('injection.jsonl')) {
    const text = String(row.text);
    chars += text.length;
    const flagged = detectInjection(text).flagged;
    const key = `${row.kind} / ${row.source}`;
    if (row.label === 'injection') count(caught, key, flagged);
    else count(falseAlarms, key, flagged);
  }
  const ms = performance.now() - started;
  console.log(`injection.jsonl: ${(chars / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms`);
  const recall = table('Injections caught (recall), by kind / source', 'recall', caught);
  const fp = table(
    'Benign texts flagged (false positives), by kind / source',
    'flagged',
    falseAlarms,
  );
  return [recall, fp];
}

const decode = (value: unknown): string => Buffer.from(String(value), 'base64').toString('utf8');

/** Every character of `[start, end)` lies inside some redaction. */
function covered(
  redactions: ReadonlyArray<{ start: number; end: number }>,
  start: number,
  end: number,
): boolean {
  let at = start;
  for (const r of [...redactions].sort((a, b) => a.start - b.start)) {
    if (r.start <= at && r.end > at) at = r.end;
  }
  return at >= end;
}

function evaluateSecrets(): [Tally, Tally] {
  const caught = new Map<string, Tally>();
  const falseAlarms = new Map<string, Tally>();
  for (const row of readRows('secrets.jsonl')) {
    const text = decode(row.text);
    const { redactions } = redactSecrets(text);
    if (row.label === 'secret') {
      const secret = decode(row.secret);
      const start = text.indexOf(secret);
      count(
        caught,
        String(row.type),
        start >= 0 && covered(redactions, start, start + secret.length),
      );
    } else {
      const kind = row.near_type ? `${row.type} (like ${row.near_type})` : String(row.type);
      count(falseAlarms, kind, redactions.length > 0);
    }
  }
  const recall = table('Secrets fully redacted (recall), by type', 'recall', caught);
  const fp = table('Look-alikes redacted (false positives), by kind', 'redacted', falseAlarms);
  return [recall, fp];
}

function check(name: string, value: number, target: number, atLeast: boolean): boolean {
  const ok = atLeast ? value >= target : value <= target;
  const shown = `${(100 * value).toFixed(1)}%`;
  console.log(
    `  ${name.padEnd(36)} ${shown.padStart(6)}  target ${atLeast ? '>=' : '<='} ${100 * target}%  ${ok ? 'ok' : 'MISSED'}`,
  );
  return ok;
}

if (!existsSync(join(dataDir, 'injection.jsonl')) || !existsSync(join(dataDir, 'secrets.jsonl'))) {
  console.log(
    `guardrails eval skipped: no development data in ${dataDir} (set GUARDRAILS_DATA_DIR)`,
  );
  process.exit(0);
}

console.log(`guardrails eval on ${dataDir}`);
const [injectionRecall, injectionFp] = evaluateInjection();
const [secretRecall, secretFp] = evaluateSecrets();
const rate = (t: Tally): number => t.hit / Math.max(1, t.total);
console.log('\nTargets');
const results = [
  check('injection recall', rate(injectionRecall), TARGETS.injectionRecall, true),
  check('injection false positives', rate(injectionFp), TARGETS.injectionFalsePositives, false),
  check('secret redaction recall', rate(secretRecall), TARGETS.secretRecall, true),
  check('secret redaction false positives', rate(secretFp), TARGETS.secretFalsePositives, false),
];
process.exit(results.every(Boolean) ? 0 : 1);
