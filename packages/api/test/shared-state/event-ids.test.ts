import { describe, expect, it } from 'vitest';
import { parseEventId } from '../../src/chat/runs.ts';
import type { ChatEvent } from '../../src/chat/types.ts';
import { RedisRuns } from '../../src/shared-state/redis-runs.ts';
import { useRedis } from './redis.ts';

describe('parseEventId', () => {
  it('reads the canonical `<runId>:<seq>` form', () => {
    expect(parseEventId('run-1:0')).toEqual({ runId: 'run-1', seq: 0 });
    expect(parseEventId('a:b:42')).toEqual({ runId: 'a:b', seq: 42 });
    expect(parseEventId('r:999999999999999')).toEqual({ runId: 'r', seq: 999_999_999_999_999 });
  });

  it.each([
    '',
    ':1',
    'r',
    'r:',
    'r:0x2',
    'r: 1',
    'r:1 ',
    'r:1.0',
    'r:+1',
    'r:-1',
    'r:01',
    'r:1e3',
    'r:1e21',
    'r:100000000000000000000',
    'r:9007199254740993',
    'r:Infinity',
    'r:١',
  ])('refuses %j', (id) => {
    expect(parseEventId(id)).toBeNull();
  });
});

const meta: ChatEvent = {
  type: 'meta',
  requestId: 'r',
  servedBy: 'extractive',
  model: 'm',
  grounded: false,
  sources: [],
  guardrails: { mode: 'off', flagged: false, blocked: false } as never,
};
const done: ChatEvent = {
  type: 'done',
  servedBy: 'extractive',
  finishReason: 'stop',
  timings: {} as never,
};

describe('RedisRuns.follow past the end of a run (real Redis)', () => {
  const redisOf = useRedis();

  async function finishedRun(runs: RedisRuns, runId: string): Promise<void> {
    await runs.create(
      runId,
      { owner: { caller: 'key:a', address: null } as never, input: {} as never, cancelled: false },
      60_000,
    );
    const events: ChatEvent[] = [meta, { type: 'delta', text: 'a' }, { type: 'delta', text: 'b' }];
    for (const [seq, event] of [...events, done].entries()) await runs.append(runId, seq, event);
    await runs.finish(runId);
  }

  async function collect(runs: RedisRuns, runId: string, from: number) {
    const seen: number[] = [];
    const started = Date.now();
    for await (const item of runs.handle(runId, 10_000).follow(from, AbortSignal.timeout(5_000))) {
      seen.push(item.seq);
    }
    return { seen, ms: Date.now() - started };
  }

  it('ends at once, as in memory, when the resume point is past a finished run', async () => {
    const runs = await RedisRuns.open(redisOf(), { retainMs: 60_000, prefix: 'ids1:' });
    try {
      await finishedRun(runs, 'run-a');
      expect((await collect(runs, 'run-a', 2)).seen).toEqual([2, 3]);
      for (const from of [4, 8, 1_000_000]) {
        const { seen, ms } = await collect(runs, 'run-a', from);
        expect(seen).toEqual([]);
        expect(ms).toBeLessThan(900);
      }
    } finally {
      await runs.close();
    }
  });

  it('refuses a sequence number Redis cannot hold with a typed error, not a Redis one', async () => {
    const runs = await RedisRuns.open(redisOf(), { retainMs: 60_000, prefix: 'ids2:' });
    try {
      await finishedRun(runs, 'run-b');
      const error = await collect(runs, 'run-b', 1e21).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'invalid_input' });
    } finally {
      await runs.close();
    }
  });
});
