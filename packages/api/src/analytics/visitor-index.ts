import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** How a stored line names its visitor (`JSON.stringify` of a record writes exactly this). */
const KEY = Buffer.from('"visitorId":"');
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const SPACE = 0x20;
/** Longer than any visitor ID (a UUID is 36): a longer value is not indexed. */
const MAX_ID_BYTES = 64;
const READ_CHUNK = 1 << 20;
/** Offsets are 32-bit: far above a day's cap (MAX_DAY_BYTES), refused rather than wrapped. */
const MAX_INDEXED_BYTES = 2 ** 32 - 1;

/**
 * Hashes mix in a seed drawn per process: a caller who chooses visitor IDs cannot choose ones
 * that collide, so a lookup finds the lines of one visitor and not of thousands.
 */
const SEED = randomBytes(4).readUInt32LE(0);

/** 32-bit FNV-1a of `bytes[start, end)`, seeded. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = (0x811c9dc5 ^ SEED) >>> 0;
  for (let i = start; i < end; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function visitorHash(visitorId: string): number {
  const bytes = Buffer.from(visitorId);
  return hashBytes(bytes, 0, bytes.length);
}

/**
 * Where each visitor's lines are in one day file: per line, the hash of the visitor ID it names
 * and its byte offset, 8 bytes a line in two typed arrays (a full 64 MiB day is about 5 MB).
 * Built once from the file, then extended by the bytes appended since (the store appends whole
 * lines), so an export or erasure reads the few lines it needs instead of the whole day. `ino` and
 * `size` tell whether the file is still the one indexed (a hand edit or removal is noticed).
 */
export class DayIndex {
  ino: number;
  /** Bytes indexed: the file up to its last complete line. */
  size = 0;
  #count = 0;
  #hashes = new Uint32Array(1024);
  #offsets = new Uint32Array(1024);
  /**
   * Lines that name no visitor the index can read (torn by a crash, edited by hand): rare, and
   * looked at by every lookup, since only reading one tells whose it may be.
   */
  #loose: number[] = [];

  constructor(ino: number) {
    this.ino = ino;
  }

  /** Indexes the complete lines of `file` from `size` to `end`. */
  async extend(file: FileHandle, end: number): Promise<void> {
    if (end > MAX_INDEXED_BYTES) throw new Error('analytics day file too large to index');
    let buffer = Buffer.allocUnsafe(READ_CHUNK);
    // The start of a line the last read ended inside is moved to the front (a few bytes), and
    // the next read lands after it: nothing is concatenated.
    let carried = 0;
    let position = this.size;
    while (position < end) {
      if (carried === buffer.length) {
        const longer = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(longer, 0, 0, carried);
        buffer = longer;
      }
      const room = Math.min(buffer.length - carried, end - position);
      const { bytesRead } = await file.read(buffer, carried, room, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const bytes = buffer.subarray(0, carried + bytesRead);
      let start = 0;
      for (;;) {
        const newline = bytes.indexOf(NEWLINE, start);
        if (newline < 0) break;
        this.#add(bytes, start, newline, this.size);
        this.size += newline + 1 - start;
        start = newline + 1;
      }
      carried = bytes.length - start;
      bytes.copy(buffer, 0, start);
    }
  }

  /**
   * Offsets of the lines whose visitor hashes to `hash`, and of the lines naming none, in file
   * order: a superset of one visitor's lines, for the caller to read and check.
   */
  find(hash: number): number[] {
    const found: number[] = [];
    const hashes = this.#hashes;
    for (let i = 0; i < this.#count; i++) if (hashes[i] === hash) found.push(this.#offsets[i]!);
    if (this.#loose.length === 0) return found;
    return [...found, ...this.#loose].sort((a, b) => a - b);
  }

  /** Forgets the lines at `offsets` (blanked by an erasure). */
  drop(offsets: readonly number[]): void {
    const gone = new Set(offsets);
    let kept = 0;
    for (let i = 0; i < this.#count; i++) {
      if (gone.has(this.#offsets[i]!)) continue;
      this.#hashes[kept] = this.#hashes[i]!;
      this.#offsets[kept] = this.#offsets[i]!;
      kept += 1;
    }
    this.#count = kept;
    this.#loose = this.#loose.filter((offset) => !gone.has(offset));
  }

  /** No line left but blank ones. */
  get empty(): boolean {
    return this.#count === 0 && this.#loose.length === 0;
  }

  /** Records line `[start, end)` of `bytes` (at file offset `offset`). */
  #add(bytes: Buffer, start: number, end: number, offset: number): void {
    if (isBlank(bytes, start, end)) return;
    // Searched within the line only: a line without the key must not send the search onwards.
    const line = bytes.subarray(start, end);
    const key = line.indexOf(KEY);
    const idStart = start + key + KEY.length;
    const idEnd = key < 0 ? -1 : idStart + line.subarray(key + KEY.length).indexOf(QUOTE);
    if (idEnd < idStart || idEnd - idStart > MAX_ID_BYTES) {
      this.#loose.push(offset);
      return;
    }
    if (this.#count === this.#hashes.length) {
      const hashes = new Uint32Array(this.#count * 2);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
      const offsets = new Uint32Array(this.#count * 2);
      offsets.set(this.#offsets);
      this.#offsets = offsets;
    }
    this.#hashes[this.#count] = hashBytes(bytes, idStart, idEnd);
    this.#offsets[this.#count] = offset;
    this.#count += 1;
  }
}

/** Empty, or spaces only (a line an erasure blanked). */
function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== SPACE) return false;
  return true;
}

/** The line of `file` that starts at `offset`, without its newline (read in small pieces). */
export async function readLineAt(file: FileHandle, offset: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let position = offset;
  for (;;) {
    const buffer = Buffer.allocUnsafe(pieces.length === 0 ? 1024 : 64 * 1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    const piece = buffer.subarray(0, bytesRead);
    const newline = piece.indexOf(NEWLINE);
    if (newline >= 0 || bytesRead === 0) {
      pieces.push(newline >= 0 ? piece.subarray(0, newline) : piece);
      return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    }
    pieces.push(piece);
    position += bytesRead;
  }
}
