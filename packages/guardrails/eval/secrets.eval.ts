// Secret redaction: the development set (per source and per type; its rows were used while the
// rules were written) and a held-out set generated from the providers' documented formats with
// its own seed and contexts (eval/secret-formats.ts; the tests use another seed and other
// contexts). A secret counts as caught only when every character of it is redacted. Exits 1 when
// a held-out target is missed; the development set is skipped when absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../src/index.ts';
import { DATASETS } from '../train/data.ts';
import { FACTS_SEED, factCases } from './secret-facts.ts';
import { covered, formatSamples, HELD_OUT } from './secret-formats.ts';
import { cell, check, count, markdown, rate, sum, type Tally } from './tally.ts';

const TARGETS = { recall: 0.95, falsePositives: 0.03 };
const PER_TYPE = 20;

function caught(text: string, secret: string): boolean {
  const start = text.indexOf(secret);
  return start >= 0 && covered(redactSecrets(text).redactions, start, start + secret.length);
}

const table = (title: string, tallies: Map<string, Tally>, what: string): Tally => {
  console.log(`\n${title}\n`);
  const rows = [...tallies].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => [k, cell(t)]);
  const total = sum(tallies.values());
  rows.push(['**total**', cell(total)]);
  markdown(['', what], rows);
  return total;
};

const devFile = join(DATASETS, 'guardrails', 'secrets.jsonl');
if (existsSync(devFile)) {
  const decode = (value: unknown): string => Buffer.from(String(value), 'base64').toString('utf8');
  const bySource = new Map<string, Tally>();
  const byType = new Map<string, Tally>();
  const falseBySource = new Map<string, Tally>();
  const falseByKind = new Map<string, Tally>();
  for (const line of readFileSync(devFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    const text = decode(row.text);
    if (row.label === 'secret') {
      const hit = caught(text, decode(row.secret));
      count(bySource, String(row.source), hit);
      count(byType, String(row.type), hit);
    } else {
      const flagged = redactSecrets(text).redactions.length > 0;
      count(falseBySource, String(row.source), flagged);
      const kind = row.near_type ? `${row.type} (like ${row.near_type})` : String(row.type);
      count(falseByKind, kind, flagged);
    }
  }
  console.log(`Development set (${devFile}); the rules were written against these rows.`);
  table('Development secrets redacted, by source', bySource, 'recall');
  table('Development secrets redacted, by type', byType, 'recall');
  table('Development look-alikes redacted (false positives), by source', falseBySource, 'redacted');
  table('Development look-alikes redacted, by kind', falseByKind, 'redacted');
} else {
  console.log(`development set skipped: no ${devFile}`);
}

const heldRecall = new Map<string, Tally>();
const heldFalse = new Map<string, Tally>();
for (const sample of formatSamples(HELD_OUT, PER_TYPE)) {
  if (sample.secret === null) {
    count(heldFalse, sample.type, redactSecrets(sample.text).redactions.length > 0);
  } else {
    count(heldRecall, sample.type, caught(sample.text, sample.secret));
  }
}
console.log(
  `\nHeld-out set: ${PER_TYPE} generated cases per type (seed ${HELD_OUT.seed}, own contexts).`,
);
const recall = table('Held-out secrets redacted, by type', heldRecall, 'recall');
const fp = table('Held-out look-alikes redacted (false positives), by kind', heldFalse, 'redacted');

// The independent set: documented facts, another generator, contexts and hard negatives of its own.
const FACTS_PER_TYPE = 12;
const factRecall = new Map<string, Tally>();
const factFalse = new Map<string, Tally>();
const factByContext = new Map<string, Tally>();
const factDisguised = new Map<string, Tally>();
for (const sample of factCases(FACTS_SEED, FACTS_PER_TYPE)) {
  if (sample.secret === null) {
    count(factFalse, sample.type, redactSecrets(sample.text).redactions.length > 0);
    continue;
  }
  const hit = caught(sample.text, sample.secret);
  if (sample.type.startsWith('disguised/')) {
    count(factDisguised, sample.type, hit);
  } else {
    count(factRecall, sample.type, hit);
    count(factByContext, sample.context, hit);
  }
}
console.log(
  `\nIndependent set: ${FACTS_PER_TYPE} cases per type from documented facts (eval/secret-facts.ts, seed ${FACTS_SEED}); not read by the tests.`,
);
const factTotal = table('Independent secrets redacted, by type', factRecall, 'recall');
table('Independent secrets redacted, by kind of context', factByContext, 'recall');
const disguisedTotal = table(
  'Independent disguised secrets redacted, by disguise',
  factDisguised,
  'recall',
);
const factFp = table(
  'Independent hard negatives redacted (false positives), by class',
  factFalse,
  'redacted',
);

console.log('\nHeld-out targets');
const results = [
  check('held-out secret recall', rate(recall), TARGETS.recall, true),
  check('held-out look-alike false positives', rate(fp), TARGETS.falsePositives, false),
  check('independent secret recall', rate(factTotal), TARGETS.recall, true),
  check('independent disguised secret recall', rate(disguisedTotal), TARGETS.recall, true),
  check('independent hard-negative false positives', rate(factFp), TARGETS.falsePositives, false),
];
process.exit(results.every(Boolean) ? 0 : 1);
