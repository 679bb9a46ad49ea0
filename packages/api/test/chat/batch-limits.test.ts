import { describe, expect, it } from 'vitest';
import { MAX_BATCH_CALLS, MAX_PROCEDURE_PATH_CHARS } from '../../src/client/batch-limits.ts';
import { appRouter } from '../../src/root.ts';

describe("the typed client's batches", () => {
  it('always fit the server path limit: no procedure path is longer than the client assumes', () => {
    const paths = Object.keys(appRouter._def.procedures);
    expect(paths).toContain('chat.start');
    for (const path of paths)
      expect(path.length, path).toBeLessThanOrEqual(MAX_PROCEDURE_PATH_CHARS);
    expect(MAX_BATCH_CALLS * (MAX_PROCEDURE_PATH_CHARS + 1) - 1).toBeLessThanOrEqual(200);
    expect(MAX_BATCH_CALLS).toBeGreaterThanOrEqual(4);
  });
});
