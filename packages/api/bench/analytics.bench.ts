// Analytics store: appends under concurrency (grouped writes vs one appendFile per event, the
// baseline), and erasure/export of one visitor across 14 day files. Figures are noisy on a shared
// machine: read the ratio.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
} finally {
  rmSync(root, { recursive: true, force: true });
}
