// Injection detection, measured on text it was not tuned on (README "Evaluation protocol"):
// leave-one-source-out (the model retrained without every row of one upstream project, then
// tested on that project's rows, the development set being one such source), false positives on
// knowledge-base text nothing was trained on (NFCorpus, this repository's docs), and, for
// reference only, the shipped detector on its own training rows. Exits 0 with "skipped" when the
// datasets are absent, 1 when a held-out target is missed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectInjection } from '../src/index.ts';
import { combinedScore, FLAG_THRESHOLD } from '../src/injection/detect.ts';
import { modelLogit, sigmoid } from '../src/injection/model/linear.ts';
import { MODEL_THRESHOLD } from '../src/injection/model/model.ts';
import { DATASETS, hasData, trainingRows } from '../train/data.ts';
import { prepare, trainModel } from '../train/model.ts';
import { cell, check, count, markdown, percent, rate, sum, type Tally } from './tally.ts';

const TARGETS = { recall: 0.85, falsePositives: 0.05, knowledgeBase: 0.02 };

/**
 * Families set aside as a final test: model changes are chosen on the other families'
 * leave-one-source-out figures (and the curve printed below), and this line is read last. A public
 * benchmark (deepset), a scanner's test prompts (llm-guard) and documents of an LLM app in 14
 * languages (librechat); it is the least optimistic figure printed here.
 */
const FINAL_TEST = ['deepset', 'librechat', 'llm-guard'];

if (!hasData()) {
  console.log(`injection eval skipped: no datasets in ${DATASETS} (set GUARDRAILS_DATASETS)`);
  process.exit(0);
}

const started = performance.now();
const prepared = prepare(trainingRows());
const families = [...new Set(prepared.flatMap((p) => p.row.families))].sort();

interface Outcome {
  model: Tally;
  rules: Tally;
  both: Tally;
}
const outcome = (): Outcome => ({
  model: { hit: 0, total: 0 },
  rules: { hit: 0, total: 0 },
  both: { hit: 0, total: 0 },
});
const record = (o: Outcome, model: boolean, rules: boolean): void => {
  for (const [t, hit] of [
    [o.model, model],
    [o.rules, rules],
    [o.both, model || rules],
  ] as const) {
    t.total++;
    if (hit) t.hit++;
  }
};

// One fold per family: train without any row that names it, test on the rows that do.
const caught = new Map<string, Outcome>();
const alarms = new Map<string, Outcome>();
const byKind = new Map<string, Tally>();
// The tuning families' held-out rows: the model's probability and whether the rules flag.
const curve: Array<{ probability: number; rules: boolean; label: 0 | 1 }> = [];
for (const held of families) {
  const train = prepared.filter((p) => !p.row.families.includes(held));
  const test = prepared.filter((p) => p.row.families.includes(held));
  const model = trainModel(train);
  for (const p of test) {
    const probability = sigmoid(modelLogit(model, p.view));
    const flagged = combinedScore(p.rules, probability) >= FLAG_THRESHOLD;
    const byModel = combinedScore(0, probability) >= FLAG_THRESHOLD;
    const tallies = p.row.label === 1 ? caught : alarms;
    const o = tallies.get(held) ?? outcome();
    record(o, byModel, p.rules >= FLAG_THRESHOLD);
    tallies.set(held, o);
    if (held !== 'dev' && !FINAL_TEST.includes(held))
      curve.push({ probability, rules: p.rules >= FLAG_THRESHOLD, label: p.row.label });
    if (held !== 'dev')
      count(byKind, `${p.row.label === 1 ? 'injection' : 'benign'} ${p.row.kind}`, flagged);
  }
}

console.log(
  `injection eval on ${DATASETS}: ${prepared.length} rows, ${families.length} source families\n`,
);
console.log(
  'Leave-one-source-out: the model retrained without the family, tested on it. The rules',
);
console.log('were written against the development set, so their `dev` figures are not held out.\n');
const rows = families.map((f) => [
  f === 'dev' ? '**dev (development set)**' : f,
  cell(caught.get(f)?.both),
  cell(alarms.get(f)?.both),
  cell(caught.get(f)?.model),
  cell(alarms.get(f)?.model),
  cell(caught.get(f)?.rules),
  cell(alarms.get(f)?.rules),
]);
const heldOut = (
  tallies: Map<string, Outcome>,
  part: keyof Outcome,
  keep: (family: string) => boolean,
): Tally => sum([...tallies].filter(([f]) => f !== 'dev' && keep(f)).map(([, o]) => o[part]));
const totalRow = (name: string, keep: (family: string) => boolean): string[] => [
  `**${name}**`,
  ...(['both', 'model', 'rules'] as const).flatMap((part) => [
    cell(heldOut(caught, part, keep)),
    cell(heldOut(alarms, part, keep)),
  ]),
];
const all = (): boolean => true;
const overall = { recall: heldOut(caught, 'both', all), fp: heldOut(alarms, 'both', all) };
rows.push(
  totalRow('tuning families (all but dev and the final test)', (f) => !FINAL_TEST.includes(f)),
  totalRow(`final test (${FINAL_TEST.join(', ')})`, (f) => FINAL_TEST.includes(f)),
  totalRow('all families but dev', all),
);
markdown(
  [
    'held-out family',
    'recall',
    'false positives',
    'model recall',
    'model FP',
    'rules recall',
    'rules FP',
  ],
  rows,
);

console.log(
  `\nThe tuning families' curve: rules or model at each model threshold (shipped: ${MODEL_THRESHOLD}):\n`,
);
const THRESHOLDS = [0.6, 0.7, 0.75, 0.8, 0.85, 0.9];
const at = (label: 0 | 1, threshold: number): Tally => {
  const rows = curve.filter((c) => c.label === label);
  return {
    hit: rows.filter((c) => c.rules || c.probability >= threshold).length,
    total: rows.length,
  };
};
markdown(
  ['model threshold', ...THRESHOLDS.map(String)],
  [
    ['recall', ...THRESHOLDS.map((t) => percent(at(1, t)))],
    ['false positives', ...THRESHOLDS.map((t) => percent(at(0, t)))],
  ],
);

console.log('\nLeave-one-source-out by kind (detector = rules or model; dev excluded):\n');
markdown(
  ['kind', 'flagged'],
  [...byKind].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => [k, cell(t)]),
);

// Knowledge-base passages: nothing here was trained on; every flagged passage would be dropped.
const REPO = resolve(import.meta.dirname, '..', '..', '..');
function passages(markdownText: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const paragraph of markdownText.split(/\n\s*\n/)) {
    if (current.length + paragraph.length > 1200 && current !== '') {
      out.push(current);
      current = '';
    }
    current += `${paragraph}\n\n`;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}
/** `text` with a zero-width space between two letters at or after its middle (null if none). */
function withInvisibleCharacter(text: string): string | null {
  for (let i = text.length >> 1; i < text.length - 1; i++) {
    if (/\p{L}\p{L}/u.test(text.slice(i, i + 2)))
      return `${text.slice(0, i + 1)}\u200b${text.slice(i + 1)}`;
  }
  return null;
}
const docFiles = [
  'README.md',
  ...readdirSync(join(REPO, 'docs')).map((f) => join('docs', f)),
  ...readdirSync(join(REPO, 'infra'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('infra', f)),
  ...readdirSync(join(REPO, 'packages')).map((p) => join('packages', p, 'README.md')),
].filter((f) => f.endsWith('.md'));
const knowledge = new Map<string, Tally>();
const flaggedDocs: string[] = [];
for (const file of docFiles) {
  let text: string;
  try {
    text = readFileSync(join(REPO, file), 'utf8');
  } catch {
    continue;
  }
  for (const passage of passages(text)) {
    const flagged = detectInjection(passage).flagged;
    count(knowledge, 'project docs', flagged);
    if (flagged) flaggedDocs.push(file);
  }
}
for (const line of readFileSync(join(DATASETS, 'nfcorpus', 'corpus.jsonl'), 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const doc = JSON.parse(line) as { title: string; text: string };
  const passage = `${doc.title}\n${doc.text}`;
  count(knowledge, 'NFCorpus passages', detectInjection(passage).flagged);
  // Web pages and documents carry invisible characters harmlessly: one must not change a verdict.
  const disguised = withInvisibleCharacter(passage);
  if (disguised !== null)
    count(
      knowledge,
      'NFCorpus passages, one zero-width space in a word (not a target)',
      detectInjection(disguised).flagged,
    );
}
console.log('\nKnowledge-base text flagged (never trained on; the shipped detector):\n');
markdown(
  ['passages', 'flagged'],
  [...knowledge].map(([k, t]) => [k, cell(t)]),
);
if (flaggedDocs.length > 0)
  console.log(`\nflagged doc passages in: ${[...new Set(flaggedDocs)].join(', ')}`);

// For reference: the shipped detector on rows it was trained on (not a generalisation figure).
const inSample = new Map<string, Outcome>();
for (const p of prepared) {
  const result = detectInjection(p.row.text);
  const key = `${p.row.label === 1 ? 'injection' : 'benign'} / ${p.row.source.replace(/\+.*/, '+…')}`;
  const o = inSample.get(key) ?? outcome();
  record(o, result.flagged, result.flagged);
  inSample.set(key, o);
}
console.log(
  '\nFor reference, the shipped detector on its training rows, per source (in-sample):\n',
);
markdown(
  ['label / source', 'flagged'],
  [...inSample].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, o]) => [k, cell(o.both)]),
);

console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)\nHeld-out targets`);
const nfcorpus = knowledge.get('NFCorpus passages') as Tally;
const docs = knowledge.get('project docs') as Tally;
const results = [
  check('leave-one-source-out injection recall', rate(overall.recall), TARGETS.recall, true),
  check('leave-one-source-out false positives', rate(overall.fp), TARGETS.falsePositives, false),
  check('NFCorpus passages flagged', rate(nfcorpus), TARGETS.knowledgeBase, false),
  check('project doc passages flagged', rate(docs), TARGETS.knowledgeBase, false),
];
process.exit(results.every(Boolean) ? 0 : 1);
