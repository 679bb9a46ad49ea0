// Multi-turn conversations: what reading the turns joined (the window the model reads) adds to
// the per-turn scans of `checkMessages`. False positives on benign conversations of 2–6 turns
// built from the development set's benign rows (seen in training one by one, never joined) and
// from NFCorpus (user turns its queries, assistant turns its abstracts: never trained on), and
// recall on the development set's injection rows cut at word boundaries into 2–6 turns of one
// role, between a benign opening and question. Each conversation is checked with per-turn scans
// only (`window: []`) and with the joined window. Exits 0 with "skipped" when the datasets are
// absent, 1 when the joined reading flags more than the knowledge-base target of NFCorpus
// conversations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatMessage, checkMessages } from '../src/index.ts';
import { DATASETS, devRows, hasData } from '../train/data.ts';
import { random } from '../train/random.ts';
import { check, count, markdown, percent, rate, type Tally } from './tally.ts';

const CONVERSATIONS = 1_000;
const KNOWLEDGE_BASE_TARGET = 0.02;

if (!hasData()) {
  console.log(`conversations eval skipped: no datasets in ${DATASETS} (set GUARDRAILS_DATASETS)`);
  process.exit(0);
}

const next = random(20261207);
const draw = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const turns = (): number => 2 + Math.floor(next() * 5);
const role = (i: number): ChatMessage['role'] => (i % 2 === 0 ? 'user' : 'assistant');

const dev = devRows();
const benign = dev.filter((r) => r.label === 0).map((r) => r.text);
const attacks = dev.filter((r) => r.label === 1).map((r) => r.text);
const jsonl = (file: string) =>
  readFileSync(join(DATASETS, 'nfcorpus', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { title?: string; text: string });
const queries = jsonl('queries.jsonl').map((q) => q.text);
const abstracts = jsonl('corpus.jsonl').map((d) => `${d.title ?? ''}\n${d.text}`);

const sets: Record<string, ChatMessage[][]> = {
  'benign, dev rows as turns': Array.from({ length: CONVERSATIONS }, () =>
    Array.from({ length: turns() }, (_, i) => ({ role: role(i), content: draw(benign) })),
  ),
  'benign, NFCorpus questions and abstracts': Array.from({ length: CONVERSATIONS }, () => {
    const n = turns() | 1; // ends on a question
    return Array.from({ length: n }, (_, i) => ({
      role: role(i),
      content: role(i) === 'user' ? draw(queries) : draw(abstracts),
    }));
  }),
};
for (const who of ['assistant', 'user'] as const) {
  sets[`injection rows cut into ${who} turns`] = attacks.map((text) => {
    const words = text.split(/(?<=\s)/);
    const parts = Math.min(turns(), words.length);
    const pieces = Array.from({ length: parts }, (_, i) =>
      words
        .slice(Math.floor((i * words.length) / parts), Math.floor(((i + 1) * words.length) / parts))
        .join(''),
    );
    return [
      { role: 'user', content: 'Hello there.' },
      ...pieces.map((content) => ({ role: who, content })),
      { role: 'user', content: 'Please go on.' },
    ];
  });
}

const started = performance.now();
const perTurn = new Map<string, Tally>();
const joined = new Map<string, Tally>();
for (const [name, conversations] of Object.entries(sets)) {
  for (const messages of conversations) {
    count(perTurn, name, checkMessages(messages, { mode: 'enforce', window: [] }).flagged);
    count(joined, name, checkMessages(messages, { mode: 'enforce' }).flagged);
  }
}
console.log('Conversations flagged, per-turn scans only and with the turns read joined:\n');
markdown(
  ['conversations', 'n', 'per-turn only', 'with the joined window'],
  Object.keys(sets).map((name) => {
    const before = perTurn.get(name) as Tally;
    return [name, String(before.total), percent(before), percent(joined.get(name))];
  }),
);
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)\nHeld-out target`);
const nfcorpus = joined.get('benign, NFCorpus questions and abstracts') as Tally;
const ok = check('NFCorpus conversations flagged', rate(nfcorpus), KNOWLEDGE_BASE_TARGET, false);
process.exit(ok ? 0 : 1);
