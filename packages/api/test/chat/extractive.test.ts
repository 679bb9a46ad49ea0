import { describe, expect, it } from 'vitest';
import {
  ExtractiveProvider,
  extractiveAnswer,
  sentencesOf,
} from '../../src/chat/providers/extractive.ts';
import type { Passage } from '../../src/rag/retriever.ts';

const passage = (id: string, title: string, text: string): Passage => ({
  id,
  documentId: id,
  title,
  path: `docs/${id}.md`,
  snippet: text.slice(0, 40),
  text,
  score: 1,
});

const passages = [
  passage(
    'config',
    'Configuration',
    'Bastion reads its settings from the environment. The PORT variable sets the listen port. Unrelated sentence about cooking pasta tonight.',
  ),
  passage(
    'guard',
    'Guardrails',
    'Guardrails block prompt injection before any model sees it. They run in enforce mode by default.',
  ),
];

describe('extractive answers', () => {
  it('quotes the sentences that match the question, each with its numbered citation', () => {
    const answer = extractiveAnswer('Which variable sets the listen port?', passages);
    expect(answer.startsWith('From the knowledge base:')).toBe(true);
    expect(answer).toContain('- The PORT variable sets the listen port. [1]');
    expect(answer).not.toContain('pasta');
    expect(answer).not.toContain('[2]');
  });

  it('reads markdown tables row by row and list items one by one', () => {
    const table = passage(
      'readme',
      'Configuration',
      '## Configuration\n\n| variable | default | meaning |\n|---|---|---|\n| `HOST` | `127.0.0.1` | listen address |\n| `PORT` | `8787` | listen port |\n\n- **Guardrails** run first.\n- Then retrieval happens.',
    );
    expect(sentencesOf(table.text)).toEqual([
      'variable — default — meaning',
      '`HOST` — `127.0.0.1` — listen address',
      '`PORT` — `8787` — listen port',
      'Guardrails run first.',
      'Then retrieval happens.',
    ]);
    expect(extractiveAnswer('Which port does Bastion listen on?', [table])).toContain(
      '`PORT` — `8787` — listen port [1]',
    );
  });

  it('is deterministic', () => {
    expect(extractiveAnswer('guardrails enforce mode', passages)).toBe(
      extractiveAnswer('guardrails enforce mode', passages),
    );
  });

  it('says so when nothing matches', () => {
    expect(extractiveAnswer('quantum chromodynamics', passages)).toMatch(/couldn't find anything/);
    expect(extractiveAnswer('anything', [])).toMatch(/couldn't find anything/);
  });

  it('streams the answer as deltas whose concatenation is the answer, then finishes', async () => {
    const request = { messages: [], question: 'listen port variable', passages };
    let streamed = '';
    const chunks = [];
    for await (const chunk of new ExtractiveProvider().stream(
      request,
      new AbortController().signal,
    )) {
      chunks.push(chunk);
      if (chunk.type === 'delta') streamed += chunk.text;
    }
    expect(streamed).toBe(extractiveAnswer('listen port variable', passages));
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(chunks.length).toBeGreaterThan(5);
  });
});
