import { describe, expect, it } from 'vitest';
import { FALLBACK_STARTERS, startersFrom } from './starters.ts';

const doc = (title: string, chunks: number, path = `${title}.md`) => ({ title, path, chunks });

describe('startersFrom', () => {
  it('asks about the largest documents of the collection, one question each', () => {
    const starters = startersFrom([
      doc('TLS for Bastion', 3),
      doc('Bastion runbook', 8),
      doc('Architecture', 2),
      doc('@bastion/guardrails', 27),
    ]);
    expect(starters).toEqual([
      'What does “@bastion/guardrails” cover?',
      'What are the key points of “Bastion runbook”?',
      'What should I know first about “TLS for Bastion”?',
    ]);
  });

  it('names an untitled document by its file name and skips repeated or overlong topics', () => {
    const starters = startersFrom([
      doc('', 9, 'handbook/holidays.md'),
      doc('Holidays', 8),
      doc('x'.repeat(61), 7),
      doc('  Expenses \n policy ', 6),
    ]);
    expect(starters).toEqual([
      'What does “holidays” cover?',
      'What are the key points of “Expenses policy”?',
    ]);
  });

  it('falls back to general questions when the collection holds no documents', () => {
    expect(startersFrom([])).toEqual(FALLBACK_STARTERS);
  });
});
