import { createReadStream } from 'node:fs';
import {
  appendFile,
  chmod,
  type FileHandle,
  mkdir,
  open,
  readdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AnalyticsRecord } from './events.ts';
import {
  type AnalyticsStore,
  countRecord,
  DayShares,
  type DaySummary,
  emptyDay,
  SerialLane,
  utcDay,
} from './store.ts';
import { DayIndex, readLineAt, visitorHash } from './visitor-index.ts';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** Left by erasures of earlier versions, which rewrote a day through a temp file. */
const TEMP_FILE = /^\.\d{4}-\d{2}-\d{2}\.jsonl\.[0-9a-f]+\.tmp$/;
/** A day file stops growing here, so a flood of events cannot fill the disk. */
export const MAX_DAY_BYTES = 64 * 1024 * 1024;
const SPACE = 0x20;

/**
 * One JSONL file per UTC day in `dir` (0700; files 0600). Every change to the files goes through
 * one serial lane: appends are grouped into one `O_APPEND` write per day and batch, and an erasure
 * overwrites lines only between batches, so a line is never torn or interleaved. One process per
 * directory (replicas need a shared store instead).
 *
 * Export and erasure find a visitor's lines through an index per day (`DayIndex`: visitor hash and
 * offset of each line, kept in memory and extended by what was appended since it was last used),
 * so they touch only that visitor's lines, never every stored day: an anonymous caller naming an
 * unknown ID costs a lookup, not a scan of up to MAX_DAY_BYTES per day. An erasure overwrites
 * the visitor's lines with spaces where they are (then fsync), so its cost is theirs, not a
 * rewrite of the day; readers skip blank lines, the bytes still count towards the day's cap (as
 * in the database store, erasing does not reopen a day), and a day left with no line is deleted.
 */
export class JsonlAnalyticsStore implements AnalyticsStore {
  readonly #dir: string;
  readonly #maxDayBytes: number;
  readonly #lane = new SerialLane();
  readonly #shares: DayShares;
  /** Each day file's visitor index, built when first needed. */
  readonly #indexes = new Map<string, DayIndex>();
  /** Lines waiting for the next batch, by day. */
  #pending = new Map<string, string[]>();
  #batch: Promise<Set<string>> | null = null;

  private constructor(dir: string, maxDayBytes: number) {
    this.#dir = dir;
    this.#maxDayBytes = maxDayBytes;
    this.#shares = new DayShares(maxDayBytes);
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

  append(record: AnalyticsRecord, source?: string): Promise<boolean> {
    const day = utcDay(record.ts);
    const line = `${JSON.stringify(record)}\n`;
    if (!this.#shares.take(day, source, Buffer.byteLength(line))) return Promise.resolve(false);
    const lines = this.#pending.get(day) ?? [];
    lines.push(line);
    this.#pending.set(day, lines);
    this.#batch ??= this.#lane.run(() => this.#writeBatch());
    return this.#batch.then((refused) => !refused.has(day));
  }

  erase(visitorId: string): Promise<number> {
    return this.#lane.run(async () => {
      let removed = 0;
      for (const day of await this.#days()) {
        removed += await this.#withIndex(day, 'r+', async (file, index) => {
          const theirs = await this.#visitorLines(file, index, visitorId);
          if (theirs.length === 0) return 0;
          await blankLines(file, theirs);
          index.drop(theirs.map((line) => line.start));
          if (index.empty) {
            await unlink(this.#path(day));
            this.#indexes.delete(day);
          }
          return theirs.length;
        });
      }
      return removed;
    });
  }

  export(visitorId: string, limit: number): Promise<AnalyticsRecord[]> {
    return this.#lane.run(async () => {
      const out: AnalyticsRecord[] = [];
      for (const day of await this.#days()) {
        if (out.length >= limit) break;
        await this.#withIndex(day, 'r', async (file, index) => {
          for (const { record } of await this.#visitorLines(file, index, visitorId)) {
            if (record && out.length < limit) out.push(record);
          }
        });
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
          if (day) {
            this.#indexes.delete(day);
            deleted.push(day);
          }
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
   * Runs `task` on the day's file (read-only) and its index brought up to date: extended by what
   * was appended since, rebuilt when the file is not the one indexed (replaced or cut by hand).
   * A day whose file is gone has nothing: `task` is not run.
   */
  async #withIndex<T>(
    day: string,
    mode: 'r' | 'r+',
    task: (file: FileHandle, index: DayIndex) => Promise<T>,
  ): Promise<T | 0> {
    let file: FileHandle;
    try {
      file = await open(this.#path(day), mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#indexes.delete(day);
      return 0;
    }
    try {
      const { ino, size } = await file.stat();
      let index = this.#indexes.get(day);
      if (!index || index.ino !== ino || index.size > size) {
        index = new DayIndex(ino);
        this.#indexes.set(day, index);
      }
      await index.extend(file, size);
      return await task(file, index);
    } finally {
      await file.close();
    }
  }

  /**
   * The visitor's lines of a day: the index's candidates, each read and checked (a hash can
   * collide). A line that names the visitor but does not parse cannot be attributed to anyone
   * else: it counts as theirs (erasure removes it), with no record to export.
   */
  async #visitorLines(
    file: FileHandle,
    index: DayIndex,
    visitorId: string,
  ): Promise<{ start: number; end: number; record: AnalyticsRecord | null }[]> {
    const lines = [];
    for (const start of index.find(visitorHash(visitorId))) {
      const bytes = await readLineAt(file, start);
      const line = bytes.toString('utf8');
      const record = parseRecord(line);
      const theirs = record ? record.visitorId === visitorId : line.includes(visitorId);
      if (theirs) lines.push({ start, end: start + bytes.length + 1, record });
    }
    return lines;
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

/** Overwrites each line (not its newline) with spaces, then makes that durable. */
async function blankLines(
  file: FileHandle,
  lines: readonly { start: number; end: number }[],
): Promise<void> {
  const longest = Math.max(...lines.map(({ start, end }) => end - 1 - start));
  const spaces = Buffer.alloc(longest, SPACE);
  for (const { start, end } of lines) await file.write(spaces, 0, end - 1 - start, start);
  await file.sync();
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
