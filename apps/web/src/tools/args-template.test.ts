import { describe, expect, it } from 'vitest';
import { argsTemplate, parseArgs, supportsDryRun } from './args-template.ts';

const runScriptSchema = {
  type: 'object',
  properties: {
    script: { type: 'string' },
    args: { type: 'array' },
    dry_run: { type: 'boolean' },
    timeout_ms: { type: 'integer', minimum: 100 },
  },
  required: ['script'],
};

describe('argument editor helpers', () => {
  it('starts from the required properties with neutral values', () => {
    expect(JSON.parse(argsTemplate(runScriptSchema))).toEqual({ script: '' });
    expect(
      JSON.parse(
        argsTemplate({
          properties: { n: { type: 'integer', minimum: 1 }, b: { type: 'boolean' } },
          required: ['n', 'b'],
        }),
      ),
    ).toEqual({ n: 1, b: false });
    expect(argsTemplate({})).toBe('{}');
  });

  it('offers a dry run only to tools that take dry_run', () => {
    expect(supportsDryRun(runScriptSchema)).toBe(true);
    expect(supportsDryRun({ properties: { path: { type: 'string' } } })).toBe(false);
  });

  it('accepts only JSON objects as arguments', () => {
    expect(parseArgs('{"path":"a"}')).toEqual({ path: 'a' });
    expect(parseArgs('   ')).toEqual({});
    expect(parseArgs('[1]')).toBeNull();
    expect(parseArgs('null')).toBeNull();
    expect(parseArgs('{path:')).toBeNull();
  });
});
