// Offline (extractive) answers a person can use: questions about Bastion answered from the demo
// knowledge base (the project's own documentation) exactly as chat does without a model —
// retrieve the question's passages, then quote them. Reports the share answered for the tuning
// set (offline-answers.json) and for the held-out set (offline-answers-heldout.json, written
// before the answer builder was tuned and never used for tuning).
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

const sets = ['offline-answers.json', 'offline-answers-heldout.json'].map((file) => ({
  file,
  ...(JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as QuestionSet),
}));
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The text holds one of the facts as written, not inside a longer identifier (`ADMIN_API_KEYS`). */
function states(text: string, facts: readonly string[]): boolean {
  return facts.some((fact) =>
    new RegExp(`(?<![\\w.-])${fact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text),
  );
}

/** Citations are numbered like the sources list, each source is cited, and cited once. */
function citationsSound(answer: string, sources: number): boolean {
  const cited = [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  return (
    cited.every((n) => n >= 1 && n <= sources) &&
    new Set(cited).size === cited.length &&
    (answer === NO_ANSWER || cited.length === sources)
  );
}

const tmp = mkdtempSync(join(tmpdir(), 'bastion-answers-'));
try {
  const kb = await KnowledgeBase.open({ databasePath: join(tmp, 'answers.sqlite') });
  const summary = await ingestDemo(kb, { root });
  const pct = (x: number, of: number) => `${x}/${of} (${Math.round((100 * x) / of)}%)`;
  console.log(
    `demo knowledge base: ${summary?.added ?? 0} documents, ${summary?.chunks ?? 0} chunks; ${PASSAGES} passages per question`,
  );
  for (const set of sets) {
    let answered = 0;
    let first = 0;
    let sound = 0;
    const missed: string[] = [];
    for (const { question, expect } of set.questions) {
      const passages = await kb.retrieve(question, { k: PASSAGES });
      const answer = extractiveAnswer(question, passages);
      // Quoted lines only: the closing list of sources not quoted names titles, not answers.
      const lines = answer.split('\n').filter((l) => l.startsWith('- '));
      if (answer !== NO_ANSWER && states(lines.join('\n'), expect)) answered++;
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
    console.log(`\n${set.file}`);
    console.log(`answered (the expected fact in the answer): ${pct(answered, n)}`);
    console.log(`the fact in the answer's first line:        ${pct(first, n)}`);
    console.log(`every source cited, numbered, each once:    ${pct(sound, n)}`);
    console.log(
      `unanswerable questions declined plainly:    ${pct(declined, set.unanswerable.length)}`,
    );
    if (missed.length > 0) console.log(`missed: ${missed.join(' | ')}`);
  }
  await kb.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
