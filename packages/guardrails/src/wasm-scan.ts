import { Buffer } from 'node:buffer';
import { SCAN_WASM_BASE64 } from './scan-wasm.ts';

// The per-character passes of injection detection run in WebAssembly (wasm/scan.ts, compiled and
// embedded in src/scan-wasm.ts by `npm run build:wasm`), where SIMD reads 16 or 32 characters at
// a time. Texts cross over as bytes: an ASCII text is copied as it is, any other as UTF-8 (a lone
// surrogate becomes U+FFFD).

/** The part of the WebAssembly API used here (the configured type libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const MODULE = new Module(Buffer.from(SCAN_WASM_BASE64, 'base64'));
/** An instance whose memory grew past this (a huge text) is replaced rather than kept. */
const KEEP_BYTES = 64 << 20;
/** UTF-8 needs at most three bytes per UTF-16 code unit. */
export const MAX_BYTES_PER_UNIT = 3;
const RESULT_SLOTS = 16;

export interface ScanExports {
  memory: { readonly buffer: ArrayBuffer };
  results(): number;
  trie(states: number, columns: number, anchors: number): void;
  triePart(part: number): number;
  trieReady(): void;
  input(bytes: number): number;
  fold(length: number, withRuns: number, withAnchors: number): void;
}

/** What an input writer wrote: its length in bytes, and whether every byte is ASCII. */
export interface InputBytes {
  length: number;
  ascii: boolean;
}

/** What a call left in the instance's memory, read before the next call overwrites it. */
export interface ScanOutput {
  /** The call's result slots. */
  results: Int32Array;
  /** The text of `length` bytes at `start` (ASCII if the input was). */
  text(start: number, length: number): string;
  /** The 32-bit integer at `address` (a multiple of 4). */
  int32(address: number): number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * An instance of the WebAssembly module with its own memory, so that what one user writes there (the anchor
 * trie) is never overwritten by another. `prepare` sets up each new instance.
 */
export class WasmScan implements ScanOutput {
  private exports!: ScanExports;
  private bytes!: Buffer;
  private words!: Int32Array;
  private ascii = true;
  results!: Int32Array;
  private readonly prepare: (exports: ScanExports) => void;

  constructor(prepare: (exports: ScanExports) => void = () => {}) {
    this.prepare = prepare;
    this.instantiate();
  }

  private instantiate(): void {
    this.exports = new Instance(MODULE).exports as unknown as ScanExports;
    this.prepare(this.exports);
    this.view();
  }

  /** Views of the memory, renewed when it has grown (growing replaces its buffer). */
  private view(): void {
    const buffer = this.exports.memory.buffer;
    if (this.bytes?.buffer === buffer) return;
    this.bytes = Buffer.from(buffer);
    this.words = new Int32Array(buffer);
    const results = this.exports.results() >> 2;
    this.results = this.words.subarray(results, results + RESULT_SLOTS);
  }

  text(start: number, length: number): string {
    return this.ascii
      ? this.bytes.toString('latin1', start, start + length)
      : decoder.decode(this.bytes.subarray(start, start + length));
  }

  int32(address: number): number {
    return this.words[address >> 2] as number;
  }

  /**
   * Writes `text` (`ascii`: known to be ASCII) into the instance's memory, calls `scan` with its
   * length in bytes, and returns what `read` takes from the output.
   */
  run<T>(
    text: string,
    ascii: boolean,
    scan: (exports: ScanExports, length: number) => void,
    read: (output: ScanOutput) => T,
  ): T {
    const capacity = ascii ? text.length : text.length * MAX_BYTES_PER_UNIT;
    const write = (bytes: Buffer, at: number): InputBytes => ({
      length: ascii
        ? bytes.write(text, at, capacity, 'latin1')
        : encoder.encodeInto(text, bytes.subarray(at, at + capacity)).written,
      ascii,
    });
    return this.runWith(capacity, write, scan, read) as T;
  }

  /**
   * Like `run`, with the input written by `write` (at most `capacity` bytes of UTF-8 at `at`),
   * which may give up (null): nothing is scanned then.
   */
  runWith<T>(
    capacity: number,
    write: (bytes: Buffer, at: number) => InputBytes | null,
    scan: (exports: ScanExports, length: number) => void,
    read: (output: ScanOutput) => T,
  ): T | null {
    const at = this.exports.input(capacity);
    this.view();
    const written = write(this.bytes, at);
    if (written === null) return null;
    const { length, ascii } = written;
    try {
      scan(this.exports, length);
    } catch (error) {
      // A trap (out of memory) may leave the instance's scratch memory dirty: start afresh.
      this.instantiate();
      throw error;
    }
    this.view();
    this.ascii = ascii;
    const value = read(this);
    if (this.exports.memory.buffer.byteLength > KEEP_BYTES) this.instantiate();
    return value;
  }
}
