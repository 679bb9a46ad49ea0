// Analytics store: appends under concurrency (grouped writes vs one appendFile per event, the
// baseline), erasure/export of one visitor across 14 day files, and export/erasure on a day at
// its 64 MiB cap (through the visitor index vs a streamed scan of the day, the baseline: what
// export did before the index). Figures are noisy on a shared machine: read the ratio.
// Run: cd packages/api && node bench/analytics.bench.ts
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AnalyticsRecord } from '../src/analytics/events.ts';
import { JsonlAnalyticsStore } from '../src/analytics/jsonl-store.ts';

const EVENTS = 20_000;
const CONCURRENCY = 200;
const root = mkdtempSync(join(tmpdir(), 'bastion-bench-analytics-'));

const record = (visitorId: string, day = 0): AnalyticsRecord => ({
  ts: new Date(Date.now() - day * 86_400_000).toISOString(),
  visitorId,
  event: 'answer_shown',
  props: { servedBy: 'primary', grounded: true, sources: 3, firstTokenMs: 120, totalMs: 900 },
});

/** Runs `EVENTS` calls of `append`, `CONCURRENCY` in flight at a time; events per second. */
async function rate(append: (r: AnalyticsRecord) => Promise<unknown>): Promise<number> {
  const visitors = Array.from({ length: 500 }, () => randomUUID());
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += CONCURRENCY) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, j) => append(record(visitors[(i + j) % 500]!))),
    );
  }
  return EVENTS / ((performance.now() - started) / 1000);
}

try {
  const store = await JsonlAnalyticsStore.open(join(root, 'store'));
  const grouped = await rate((r) => store.append(r));
  const baselineFile = join(root, 'baseline.jsonl');
  const naive = await rate((r) =>
    appendFile(baselineFile, `${JSON.stringify(r)}\n`, { flag: 'a', mode: 0o600 }),
  );
  console.log(
    `appends, ${CONCURRENCY} in flight: store ${Math.round(grouped)}/s, one appendFile per event ${Math.round(naive)}/s (${(grouped / naive).toFixed(2)}×)`,
  );

  // 14 days of 5,000 events each, one visitor among 1,000.
  const days = await JsonlAnalyticsStore.open(join(root, 'days'));
  const target = randomUUID();
  const others = Array.from({ length: 999 }, () => randomUUID());
  for (let day = 0; day < 14; day++) {
    await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        days.append(record(i % 1_000 === 0 ? target : others[i % 999]!, day)),
      ),
    );
  }
  let started = performance.now();
  const exported = await days.export(target, 100_000);
  const exportMs = performance.now() - started;
  started = performance.now();
  const erased = await days.erase(target);
  const eraseMs = performance.now() - started;
  started = performance.now();
  await days.erase(randomUUID());
  const missMs = performance.now() - started;
  started = performance.now();
  await days.summary();
  const summaryMs = performance.now() - started;
  console.log(
    `70,000 events in 14 days: export ${exported.length} in ${exportMs.toFixed(1)} ms, erase ${erased} in ${eraseMs.toFixed(1)} ms, erase of an unknown ID ${missMs.toFixed(1)} ms, summary ${summaryMs.toFixed(1)} ms`,
  );
  await store.close();
  await days.close();
  await fullDay();
} finally {
  rmSync(root, { recursive: true, force: true });
}

/** CPU milliseconds (user + system) `operation` takes. */
async function cpuMs(operation: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await operation();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** The baseline: a streamed scan of the whole day for the visitor's lines (substring test first). */
async function scanDay(file: string, visitorId: string): Promise<number> {
  let found = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }) });
  for await (const line of lines) {
    if (line.includes(visitorId) && JSON.parse(line).visitorId === visitorId) found += 1;
  }
  return found;
}

/** One day at its 64 MiB cap (about 520,000 page views, as the attacker's repro writes it). */
async function fullDay(): Promise<void> {
  const dir = join(root, 'full');
  const store = await JsonlAnalyticsStore.open(dir);
  const day = new Date().toISOString().slice(0, 10);
  const file = join(dir, `${day}.jsonl`);
  const target = randomUUID();
  const lines: string[] = [];
  for (let size = 0, i = 0; size < 64 * 1024 * 1024 - 200; i++) {
    const visitorId = i % 5_000 === 0 ? target : randomUUID();
    const line = `${JSON.stringify({ ts: `${day}T12:00:00.000Z`, visitorId, event: 'page_view', props: { path: '/' } })}\n`;
    lines.push(line);
    size += line.length;
  }
  writeFileSync(file, lines.join(''), { mode: 0o600 });
  const unknown = randomUUID();
  const baseline = await cpuMs(() => scanDay(file, unknown));
  const build = await cpuMs(() => store.export(unknown, 50_000));
  const exportMiss = await cpuMs(() => store.export(randomUUID(), 50_000));
  const eraseMiss = await cpuMs(() => store.erase(randomUUID()));
  let exported = 0;
  const exportHit = await cpuMs(async () => {
    exported = (await store.export(target, 50_000)).length;
  });
  let erased = 0;
  const eraseHit = await cpuMs(async () => {
    erased = await store.erase(target);
  });
  const after = await cpuMs(() => store.export(randomUUID(), 50_000));
  const ratio = (ms: number) => `${(baseline / Math.max(ms, 0.01)).toFixed(0)}×`;
  console.log(
    `one 64 MiB day (${lines.length} lines), CPU ms: baseline whole-day scan ${baseline.toFixed(0)}; index built once ${build.toFixed(0)}; then export of an unknown ID ${exportMiss.toFixed(1)} (${ratio(exportMiss)}), erase of an unknown ID ${eraseMiss.toFixed(1)} (${ratio(eraseMiss)}), export of ${exported} events ${exportHit.toFixed(1)}, erase of ${erased} events (blanked in place, fsync) ${eraseHit.toFixed(1)}, export after it ${after.toFixed(1)} (${ratio(after)})`,
  );
  await store.close();
}
