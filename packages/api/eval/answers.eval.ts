// Offline (extractive) answers a person can use: questions about Bastion answered from the demo
// knowledge base (the project's own documentation) exactly as chat does without a model —
// retrieve the question's passages, then quote them. Reports the share answered.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractiveAnswer, NO_ANSWER } from '../src/chat/providers/extractive.ts';
import { ingestDemo } from '../src/rag/demo.ts';
import { KnowledgeBase } from '../src/rag/knowledge-base.ts';

/** Passages chat retrieves per question by default (`CHAT_PASSAGES`). */
const PASSAGES = 4;

interface QuestionSet {
  questions: { question: string; expect: string[] }[];
  unanswerable: string[];
}

const set = JSON.parse(
  readFileSync(new URL('./offline-answers.json', import.meta.url), 'utf8'),
) as QuestionSet;
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The text holds one of the facts as written, not inside a longer identifier (`ADMIN_API_KEYS`). */
function states(text: string, facts: readonly string[]): boolean {
  return facts.some((fact) =>
    new RegExp(`(?<![\\w.-])${fact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text),
  );
}

/** Citations are numbered like the sources list, and each source is cited once. */
function citationsSound(answer: string, sources: number): boolean {
  const cited = [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  return cited.every((n) => n >= 1 && n <= sources) && new Set(cited).size === cited.length;
}

const tmp = mkdtempSync(join(tmpdir(), 'bastion-answers-'));
try {
  const kb = await KnowledgeBase.open({ databasePath: join(tmp, 'answers.sqlite') });
  const summary = await ingestDemo(kb, { root });
  let answered = 0;
  let first = 0;
  let sound = 0;
  const missed: string[] = [];
  for (const { question, expect } of set.questions) {
    const passages = await kb.retrieve(question, { k: PASSAGES });
    const answer = extractiveAnswer(question, passages);
    const lines = answer.split('\n').filter((l) => l.startsWith('- '));
    if (answer !== NO_ANSWER && states(answer, expect)) answered++;
    else missed.push(question);
    if (states(lines[0] ?? '', expect)) first++;
    if (citationsSound(answer, passages.length)) sound++;
  }
  let declined = 0;
  for (const question of set.unanswerable) {
    const answer = extractiveAnswer(question, await kb.retrieve(question, { k: PASSAGES }));
    if (answer === NO_ANSWER) declined++;
  }
  const n = set.questions.length;
  const pct = (x: number, of: number) => `${x}/${of} (${Math.round((100 * x) / of)}%)`;
  console.log(
    `demo knowledge base: ${summary?.added ?? 0} documents, ${summary?.chunks ?? 0} chunks; ${PASSAGES} passages per question`,
  );
  console.log(`answered (the expected fact in the answer): ${pct(answered, n)}`);
  console.log(`the fact in the answer's first line:        ${pct(first, n)}`);
  console.log(`citations numbered as the sources, each once: ${pct(sound, n)}`);
  console.log(
    `unanswerable questions declined plainly:    ${pct(declined, set.unanswerable.length)}`,
  );
  if (missed.length > 0) console.log(`missed: ${missed.join(' | ')}`);
  await kb.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
