import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyticsRecord } from '../../src/analytics/events.ts';
import { JsonlAnalyticsStore } from '../../src/analytics/jsonl-store.ts';
import { cleanup, tempDir } from '../rag/temp.ts';

afterEach(cleanup);

const DAY = '2026-12-06';
const at = (second: number) => `${DAY}T10:00:${String(second % 60).padStart(2, '0')}.000Z`;

function record(visitorId: string, ts: string, rank = 1): AnalyticsRecord {
  return { ts, visitorId, event: 'source_opened', props: { rank } };
}
const line = (r: AnalyticsRecord) => `${JSON.stringify(r)}\n`;

async function openStore(options: { maxDayBytes?: number } = {}) {
  const dir = join(tempDir('bastion-analytics-'), 'analytics');
  const store = await JsonlAnalyticsStore.open(dir, options);
  return { dir, store, file: join(dir, `${DAY}.jsonl`) };
}

/** The least CPU time (ms) `operation` took in three runs: CPU, not wall time, so load matters less. */
async function leastCpuMs(operation: () => Promise<unknown>): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const before = process.cpuUsage();
    await operation();
    const used = process.cpuUsage(before);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

describe('JSONL analytics store: export and erasure by the visitor index', () => {
  it('costs an unknown visitor a lookup, not a read of a 32 MB day', async () => {
    const { store, file } = await openStore();
    const target = randomUUID();
    const filler = Array.from({ length: 1_000 }, (_, i) => line(record(randomUUID(), at(i)))).join(
      '',
    );
    const pieces: string[] = [];
    const expected: AnalyticsRecord[] = [];
    for (let i = 0; pieces.length * filler.length < 32 * 1024 * 1024; i++) {
      const theirs = record(target, at(i), 1 + (i % 100));
      if (i % 40 === 0) expected.push(theirs);
      pieces.push(i % 40 === 0 ? line(theirs) + filler : filler);
    }
    writeFileSync(file, pieces.join(''));
    // The first look indexes the day once (lines straddle its 1 MiB reads).
    expect(await store.export(target, 1_000)).toEqual(expected);

    // A whole-day scan costs about 200 ms of CPU here; a lookup well under 40.
    expect(await leastCpuMs(() => store.export(randomUUID(), 50_000))).toBeLessThan(40);
    expect(await leastCpuMs(() => store.erase(randomUUID()))).toBeLessThan(40);
    expect(await leastCpuMs(() => store.export(target, 50_000))).toBeLessThan(40);
    expect(await store.export(target, 50_000)).toEqual(expected);

    // Erasing a visitor who has lines there costs their lines, not a rewrite of the day.
    const size = statSync(file).size;
    const before = process.cpuUsage();
    expect(await store.erase(target)).toBe(expected.length);
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(40);
    expect(statSync(file).size).toBe(size);
    expect(readFileSync(file, 'utf8')).not.toContain(target);
    expect(await store.export(target, 50_000)).toEqual([]);
    await store.close();
  }, 60_000);

  it('finds exactly the visitor’s lines after appends, erasures and edits by hand', async () => {
    const { dir, store, file } = await openStore();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const written = [a, b, a, c, b, a].map((v, i) => record(v, at(i), i + 1));
    writeFileSync(file, written.map(line).join(''));
    expect(await store.export(a, 100)).toEqual(written.filter((r) => r.visitorId === a));

    // Appended after the index was built: found, in order.
    for (const [i, v] of [b, a, c].entries()) await store.append(record(v, at(10 + i), 50 + i));
    const all = [...written, ...[b, a, c].map((v, i) => record(v, at(10 + i), 50 + i))];
    for (const v of [a, b, c]) {
      expect(await store.export(v, 100)).toEqual(all.filter((r) => r.visitorId === v));
    }

    // An erasure blanks the visitor's lines in place: the others' lines are still found, exactly.
    expect(await store.erase(a)).toBe(4);
    const left = all.filter((r) => r.visitorId !== a);
    expect(readFileSync(file, 'utf8').replace(/^ +\n/gm, '')).toBe(left.map(line).join(''));
    expect(await store.export(a, 100)).toEqual([]);
    expect(await store.export(b, 100)).toEqual(left.filter((r) => r.visitorId === b));
    expect(await store.export(c, 100)).toEqual(left.filter((r) => r.visitorId === c));

    // Replaced by hand (same size, another file), then cut short by hand: read anew each time.
    const swapped = left.map((r) => ({ ...r, visitorId: r.visitorId === b ? c : b }));
    writeFileSync(join(dir, 'hand.tmp'), swapped.map(line).join(''));
    renameSync(join(dir, 'hand.tmp'), file);
    expect(await store.export(b, 100)).toEqual(swapped.filter((r) => r.visitorId === b));
    writeFileSync(file, line(swapped[0]!));
    expect(await store.export(swapped[0]!.visitorId, 100)).toEqual([swapped[0]]);
    // A day left with nothing but blank lines is deleted.
    expect(await store.erase(swapped[0]!.visitorId)).toBe(1);
    expect(existsSync(file)).toBe(false);
    await store.close();
  });

  it('lets no one address fill the day: each source gets a share of the cap', async () => {
    const { store } = await openStore({ maxDayBytes: 64 * 1024 });
    const ts = new Date().toISOString();
    let accepted = 0;
    while (await store.append(record(randomUUID(), ts), 'address:192.0.2.1')) accepted += 1;
    // 1/64 of the cap: about a kilobyte of lines, then this address is refused…
    expect(accepted).toBeGreaterThan(5);
    expect(accepted * line(record(randomUUID(), ts)).length).toBeLessThanOrEqual(1024);
    expect(await store.append(record(randomUUID(), ts), 'address:192.0.2.1')).toBe(false);
    // …while other addresses and keys still store events.
    expect(await store.append(record(randomUUID(), ts), 'address:192.0.2.2')).toBe(true);
    expect(await store.append(record(randomUUID(), ts), 'key:alice')).toBe(true);
    await store.close();
  });
});
