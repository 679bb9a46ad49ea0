// What reading the prompt's history window joined adds to the guardrails of one answer, on a
// conversation of 12,000 characters (the default window: CHAT_HISTORY_TOKENS 3000), beside the
// per-turn scans alone (the baseline: what the check did before). Three cases: cold (nothing
// known), a conversation that grew by one question (its earlier turns known, the window new: the
// usual next answer), and the same conversation again (a resumed or retried run: all known).
// Text: paragraphs of this repository's READMEs, as alternating user and assistant turns.
// The bench reports, it never fails on times.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ChatMessage, checkMessages } from '@bastion/guardrails';
import { recentHistory } from '../src/chat/prompt.ts';
import { ScanCache } from '../src/chat/scan-cache.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const HISTORY_TOKENS = 3_000;
const CONVERSATION_CHARS = 12_000;
const RUNS = 30;

const paragraphs = ['README.md', 'packages/guardrails/README.md', 'packages/security/README.md']
  .flatMap((file) => readFileSync(resolve(ROOT, file), 'utf8').split(/\n\s*\n/))
  .map((p) => p.trim())
  .filter((p) => p.length >= 200 && p.length <= 1_200 && !p.startsWith('|'));

function conversation(offset: number): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let chars = 0;
  for (let i = 0; chars < CONVERSATION_CHARS; i++) {
    const content = paragraphs[(offset + i) % paragraphs.length] as string;
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content });
    chars += content.length;
  }
  if (messages.at(-1)!.role === 'assistant') messages.push({ role: 'user', content: 'And then?' });
  return messages;
}

/** Median and best of `RUNS` timings of the work `prepare(i)` returns (the preparing not timed). */
function time(prepare: (i: number) => () => void): { median: number; best: number } {
  prepare(-1)();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const work = prepare(i);
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)] as number, best: times[0] as number };
}

const check = (messages: ChatMessage[], cache: ScanCache, joined: boolean) =>
  checkMessages(messages, {
    mode: 'enforce',
    window: joined ? recentHistory(messages, HISTORY_TOKENS) : [],
    scan: cache.scan,
  });

const sample = conversation(0);
const chars = sample.reduce((n, m) => n + m.content.length, 0);
const kept = recentHistory(sample, HISTORY_TOKENS).reduce((n, m) => n + m.content.length, 0);
console.log(
  `conversation: ${sample.length} turns, ${chars} characters (window kept by the prompt: ${kept}); best (median) of ${RUNS} runs, a new conversation each; added: the difference of the bests`,
);

type Timing = { median: number; best: number };
const fmt = (t: Timing) => `${t.best.toFixed(2)} ms (median ${t.median.toFixed(2)})`;
const cases: Record<string, (joined: boolean) => Timing> = {
  // Nothing known: a new cache, a conversation it has never seen.
  cold: (joined) => time((i) => () => check(conversation(i + 1), new ScanCache(), joined)),
  // The usual next answer: the turns before the last question are known, the window is new.
  'grown by one question': (joined) =>
    time((i) => {
      const messages = conversation(i + 1);
      const cache = new ScanCache();
      check(messages.slice(0, -2), cache, joined);
      return () => check(messages, cache, joined);
    }),
  // A retried or resumed run: the same conversation again.
  'same again': (joined) =>
    time((i) => {
      const messages = conversation(i + 1);
      const cache = new ScanCache();
      check(messages, cache, joined);
      return () => check(messages, cache, joined);
    }),
};
for (const [name, run] of Object.entries(cases)) {
  const before = run(false);
  const after = run(true);
  console.log(
    `${name.padEnd(22)} per-turn only ${fmt(before)}  with the joined window ${fmt(after)}  added ${(after.best - before.best).toFixed(2)} ms`,
  );
}
