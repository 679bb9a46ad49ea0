import { describe, expect, it, vi } from 'vitest';
import { ChatRun, ChatRuns, eventId, parseEventId } from '../../src/chat/runs.ts';
import type { ChatEvent } from '../../src/chat/types.ts';

const delta = (text: string): ChatEvent => ({ type: 'delta', text });
const OWNER = { caller: 'key:a', address: null };

async function drain(run: ChatRun, from: number, signal = new AbortController().signal) {
  const out: number[] = [];
  for await (const { seq } of run.follow(from, signal)) out.push(seq);
  return out;
}

describe('ChatRun', () => {
  it('replays the backlog after a given event, then follows live events in order', async () => {
    const run = new ChatRun('r', OWNER);
    run.push(delta('a'));
    run.push(delta('b'));
    const seen: { seq: number; text: string }[] = [];
    const done = (async () => {
      for await (const { seq, event } of run.follow(1, new AbortController().signal)) {
        seen.push({ seq, text: event.type === 'delta' ? event.text : '' });
      }
    })();
    await Promise.resolve();
    run.push(delta('c'));
    await new Promise((r) => setTimeout(r, 0));
    run.push(delta('d'));
    run.finish();
    await done;
    expect(seen.map((s) => s.text).join('')).toBe('bcd');
    expect(seen.at(-1)!.seq).toBe(3);
    expect(seen.map((s) => s.seq)).toEqual([...seen.map((s) => s.seq)].sort((a, b) => a - b));
  });

  it('merges deltas that queued up while the subscriber was away, keeping ids resumable', async () => {
    const run = new ChatRun('r', OWNER);
    run.push({
      type: 'meta',
      requestId: 'r',
      servedBy: 'primary',
      model: 'm',
      grounded: false,
      sources: [],
      guardrails: { flagged: false, blocked: false, reason: null, patterns: [] },
    });
    for (const t of ['a', 'b', 'c']) run.push(delta(t));
    run.push({
      type: 'done',
      servedBy: 'primary',
      finishReason: 'stop',
      timings: { firstTokenMs: 1, totalMs: 2 },
    });
    run.finish();
    const out: { seq: number; type: string; text?: string }[] = [];
    for await (const { seq, event } of run.follow(0, new AbortController().signal)) {
      out.push({ seq, type: event.type, ...(event.type === 'delta' ? { text: event.text } : {}) });
    }
    expect(out).toEqual([
      { seq: 0, type: 'meta' },
      { seq: 3, type: 'delta', text: 'abc' },
      { seq: 4, type: 'done' },
    ]);
    const resumed: string[] = [];
    // Resuming after the merged delta's id (3) starts at the next event.
    for await (const { event } of run.follow(4, new AbortController().signal))
      resumed.push(event.type);
    expect(resumed).toEqual(['done']);
  });

  it('stops following when the subscriber aborts, without finishing the run', async () => {
    const run = new ChatRun('r', OWNER);
    const controller = new AbortController();
    const seen = drain(run, 0, controller.signal);
    run.push(delta('a'));
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    expect(await seen).toEqual([0]);
    expect(run.finished).toBe(false);
  });

  it('with shared state, shows only the events already shared, and stops when handed over', async () => {
    const run = new ChatRun('r', OWNER);
    run.showShared();
    run.push(delta('a'));
    run.push(delta('b'));
    run.push(delta('c'));
    const seen: string[] = [];
    const following = (async () => {
      for await (const { seq, event } of run.follow(0, new AbortController().signal)) {
        seen.push(`${seq}:${event.type === 'delta' ? event.text : event.type}`);
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
    run.shared(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(['1:ab']);
    run.handOver();
    await following;
    expect(seen).toEqual(['1:ab']);
  });

  it('aborts the producer after the grace period once the last subscriber leaves', async () => {
    const run = new ChatRun('r', OWNER);
    run.attach();
    run.detach(30);
    expect(run.controller.signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(run.controller.signal.aborted).toBe(true);
  });

  it('a resuming subscriber within the grace period keeps the producer alive', async () => {
    const run = new ChatRun('r', OWNER);
    run.attach();
    run.detach(30);
    run.attach();
    await new Promise((r) => setTimeout(r, 60));
    expect(run.controller.signal.aborted).toBe(false);
  });

  it('a run nobody ever watched is stopped after the grace period, unless a viewer comes', async () => {
    const unwatched = new ChatRun('r', OWNER);
    unwatched.awaitViewer(30);
    const watched = new ChatRun('s', OWNER);
    watched.awaitViewer(30);
    watched.attach();
    await new Promise((r) => setTimeout(r, 60));
    expect(unwatched.controller.signal.aborted).toBe(true);
    expect(watched.controller.signal.aborted).toBe(false);
  });

  it('aborts at once with no grace period', () => {
    const run = new ChatRun('r', OWNER);
    run.attach();
    run.detach(0);
    expect(run.controller.signal.aborted).toBe(true);
  });
});

describe('ChatRuns', () => {
  it('refuses new runs at capacity and drops finished runs first', () => {
    const runs = new ChatRuns({ retainMs: 60_000, maxRuns: 2 });
    const a = new ChatRun('a', OWNER);
    expect(runs.add(a)).toBe(true);
    expect(runs.add(new ChatRun('b', OWNER))).toBe(true);
    expect(runs.add(new ChatRun('c', OWNER))).toBe(false);
    a.finish();
    expect(runs.add(new ChatRun('c', OWNER))).toBe(true);
    expect(runs.get('a')).toBeUndefined();
  });

  it('keeps a finished run resumable for retainMs, then forgets it', () => {
    vi.useFakeTimers();
    try {
      const runs = new ChatRuns({ retainMs: 60_000, maxRuns: 100 });
      const a = new ChatRun('a', OWNER);
      runs.add(a);
      a.finish();
      vi.advanceTimersByTime(59_000);
      runs.add(new ChatRun('b', OWNER));
      expect(runs.get('a')).toBe(a);
      vi.advanceTimersByTime(2_000);
      runs.add(new ChatRun('c', OWNER));
      expect(runs.get('a')).toBeUndefined();
      expect(runs.size).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('event ids', () => {
  it('round-trip and reject malformed ids', () => {
    expect(parseEventId(eventId('2f1c-uuid', 7))).toEqual({ runId: '2f1c-uuid', seq: 7 });
    for (const bad of ['', 'nocolon', ':3', 'id:-1', 'id:1.5', 'id:x'])
      expect(parseEventId(bad)).toBeNull();
  });
});
