import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, chmod, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AnalyticsRecord } from './events.ts';
import {
  type AnalyticsStore,
  countRecord,
  type DaySummary,
  emptyDay,
  SerialLane,
  utcDay,
} from './store.ts';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const TEMP_FILE = /^\.\d{4}-\d{2}-\d{2}\.jsonl\.[0-9a-f]+\.tmp$/;
/** A day file stops growing here, so a flood of events cannot fill the disk. */
export const MAX_DAY_BYTES = 64 * 1024 * 1024;
/** An erasure writes the lines it keeps in pieces of about this many characters. */
const WRITE_BATCH = 256 * 1024;

/**
 * One JSONL file per UTC day in `dir` (0700; files 0600). Every change to the files goes through
 * one serial lane: appends are grouped into one `O_APPEND` write per day and batch, and an erasure
 * rewrites a file (temp file, fsync, rename) only between batches, so a line is never torn,
 * interleaved or lost to a concurrent rewrite. One process per directory (replicas need a shared
 * store instead).
 */
export class JsonlAnalyticsStore implements AnalyticsStore {
  readonly #dir: string;
  readonly #maxDayBytes: number;
  readonly #lane = new SerialLane();
  /** Lines waiting for the next batch, by day. */
  #pending = new Map<string, string[]>();
  #batch: Promise<Set<string>> | null = null;

  private constructor(dir: string, maxDayBytes: number) {
    this.#dir = dir;
    this.#maxDayBytes = maxDayBytes;
  }

  static async open(
    dir: string,
    options: { maxDayBytes?: number } = {},
  ): Promise<JsonlAnalyticsStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone (and umask may widen nothing, but be sure).
    await chmod(dir, 0o700);
    return new JsonlAnalyticsStore(dir, options.maxDayBytes ?? MAX_DAY_BYTES);
  }

  append(record: AnalyticsRecord): Promise<boolean> {
    const day = utcDay(record.ts);
    const lines = this.#pending.get(day) ?? [];
    lines.push(`${JSON.stringify(record)}\n`);
    this.#pending.set(day, lines);
    this.#batch ??= this.#lane.run(() => this.#writeBatch());
    return this.#batch.then((refused) => !refused.has(day));
  }

  erase(visitorId: string): Promise<number> {
    return this.#lane.run(async () => {
      let removed = 0;
      for (const day of await this.#days()) removed += await this.#rewriteWithout(day, visitorId);
      return removed;
    });
  }

  export(visitorId: string, limit: number): Promise<AnalyticsRecord[]> {
    return this.#lane.run(async () => {
      const out: AnalyticsRecord[] = [];
      for (const day of await this.#days()) {
        for await (const line of this.#lines(day)) {
          // A substring test first: most lines name another visitor and need no parsing.
          if (!line.includes(visitorId)) continue;
          const record = parseRecord(line);
          if (record?.visitorId !== visitorId) continue;
          out.push(record);
          if (out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  sweep(cutoffDay: string): Promise<string[]> {
    return this.#lane.run(async () => {
      const deleted: string[] = [];
      for (const name of await readdir(this.#dir)) {
        const day = DAY_FILE.exec(name)?.[1];
        // A temp file is only ever open inside this lane, so any seen here is left from a crash.
        if ((day && day < cutoffDay) || TEMP_FILE.test(name)) {
          await unlink(join(this.#dir, name));
          if (day) deleted.push(day);
        } else if (day) {
          await chmod(join(this.#dir, name), 0o600);
        }
      }
      return deleted.sort();
    });
  }

  summary(): Promise<DaySummary[]> {
    return this.#lane.run(async () => {
      const days: DaySummary[] = [];
      for (const day of await this.#days()) {
        const summary = emptyDay(day);
        const visitors = new Set<string>();
        for await (const record of this.#records(day)) {
          countRecord(summary, record);
          visitors.add(record.visitorId);
        }
        summary.visitors = visitors.size;
        days.push(summary);
      }
      return days;
    });
  }

  async close(): Promise<void> {
    await this.#lane.drain();
  }

  /** Writes every pending line, one append per day; resolves to the days refused (full). */
  async #writeBatch(): Promise<Set<string>> {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#batch = null;
    const refused = new Set<string>();
    for (const [day, lines] of batch) {
      const data = lines.join('');
      const path = this.#path(day);
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      if (size + Buffer.byteLength(data) > this.#maxDayBytes) {
        refused.add(day);
        continue;
      }
      await appendFile(path, data, { mode: 0o600, flag: 'a' });
    }
    return refused;
  }

  /**
   * Rewrites a day without the visitor's lines (atomically); resolves to the lines removed. The
   * file is streamed twice (most days never saw the visitor and the first pass ends it), never
   * read into one string: a day can hold MAX_DAY_BYTES.
   */
  async #rewriteWithout(day: string, visitorId: string): Promise<number> {
    if (!(await this.#someLine(day, (line) => line.includes(visitorId)))) return 0;
    const temp = join(this.#dir, `.${day}.jsonl.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temp, 'wx', 0o600);
    let removed = 0;
    let kept = 0;
    try {
      let batch: string[] = [];
      let batchLength = 0;
      for await (const line of this.#lines(day)) {
        if (line === '') continue;
        // A line that does not parse cannot be attributed: drop it if it names the visitor at all.
        const record = line.includes(visitorId) ? parseRecord(line) : null;
        const theirs = record ? record.visitorId === visitorId : line.includes(visitorId);
        if (theirs) {
          removed += 1;
          continue;
        }
        kept += 1;
        batch.push(line, '\n');
        batchLength += line.length + 1;
        if (batchLength >= WRITE_BATCH) {
          await file.write(batch.join(''));
          batch = [];
          batchLength = 0;
        }
      }
      if (batch.length > 0) await file.write(batch.join(''));
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temp);
      throw error;
    }
    await file.close();
    if (removed === 0 || kept === 0) await unlink(temp);
    if (removed === 0) return 0;
    if (kept === 0) {
      await unlink(this.#path(day));
    } else {
      await rename(temp, this.#path(day));
    }
    return removed;
  }

  /** Days stored, oldest first. */
  async #days(): Promise<string[]> {
    const names = await readdir(this.#dir);
    return names
      .map((name) => DAY_FILE.exec(name)?.[1])
      .filter((day): day is string => day !== undefined)
      .sort();
  }

  #path(day: string): string {
    return join(this.#dir, `${day}.jsonl`);
  }

  /** Whether some line of the day satisfies `test` (stops reading at the first). */
  async #someLine(day: string, test: (line: string) => boolean): Promise<boolean> {
    for await (const line of this.#lines(day)) if (test(line)) return true;
    return false;
  }

  /**
   * The day's lines, streamed: a day file can be large, and reading it whole would hold the event
   * loop (and the memory) for as long as a 64 MiB string takes to search and split.
   */
  async *#lines(day: string): AsyncGenerator<string> {
    const input = createReadStream(this.#path(day), { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    try {
      yield* lines;
    } finally {
      // Leaving early (a limit reached, a match found) must not leave the file open.
      lines.close();
      input.destroy();
    }
  }

  /** Every parsable record of a day, streamed. */
  async *#records(day: string): AsyncGenerator<AnalyticsRecord> {
    for await (const line of this.#lines(day)) {
      const record = line === '' ? null : parseRecord(line);
      if (record) yield record;
    }
  }
}

function parseRecord(line: string): AnalyticsRecord | null {
  try {
    const value = JSON.parse(line) as Partial<AnalyticsRecord> | null;
    return value && typeof value.visitorId === 'string' && typeof value.event === 'string'
      ? (value as AnalyticsRecord)
      : null;
  } catch {
    return null;
  }
}
