import type { ScanExports, ScanOutput } from '../wasm-scan.ts';

// The gate in front of the rules: one pass over the text finds which anchor word starts occur and
// where, and only the rules whose anchors are all present run. The pass (`scanAnchors` in
// wasm/scan.ts, run on the folded text right after the character pass of normalisation) walks a
// trie of the anchors' UTF-8 bytes from every word start, for the anchors that begin with a
// lower-case letter or a digit, and from every character for the others; every anchor it passes
// on a walk occurs there.

const encoder = new TextEncoder();

/** The anchors that occur, and where. */
export interface AnchorHits {
  /** Indices of the anchors that occur, in the order found. */
  present: number[];
  /** By anchor index: the ascending positions where it occurs, for the anchors that occur. */
  positions: Array<number[] | undefined>;
}

const NONE: readonly number[] = [];

export function hasAnchor(hits: AnchorHits, anchor: number): boolean {
  return hits.positions[anchor] !== undefined;
}

/** Ascending positions of `anchor`. */
export function anchorPositions(hits: AnchorHits, anchor: number): readonly number[] {
  return hits.positions[anchor] ?? NONE;
}

interface Trie {
  /** The trie column of each byte; 0 for bytes no anchor has. */
  columns: Uint8Array;
  columnCount: number;
  /** For each state, the next state by column (0: none; the root, state 0, is never next). */
  next: number[][];
  /** For each state, the anchor it completes, or -1. */
  terminal: number[];
}

function buildTrie(anchors: readonly string[]): Trie {
  const columns = new Uint8Array(256);
  let columnCount = 1;
  const next: number[][] = [[]];
  const terminal = [-1];
  anchors.forEach((anchor, index) => {
    let state = 0;
    for (const byte of encoder.encode(anchor)) {
      if (columns[byte] === 0) columns[byte] = columnCount++;
      const column = columns[byte] as number;
      const row = next[state] as number[];
      let to = row[column];
      if (to === undefined) {
        to = next.push([]) - 1;
        terminal.push(-1);
        row[column] = to;
      }
      state = to;
    }
    terminal[state] = index;
  });
  return { columns, columnCount, next, terminal };
}

/** The anchors as a trie that the character pass of a normaliser scans its output with. */
export interface AnchorTrie {
  /** Writes the trie into a new instance of the scanner. */
  install(exports: ScanExports): void;
  /** The anchors found by the last pass (copied out of the instance's memory). */
  read(output: ScanOutput): AnchorHits;
}

const FILTER_BYTES = 4096;
const LOW_FIVE_BITS = Array.from({ length: 32 }, (_, bits) => bits);

/**
 * The scan's filter (see wasm/scan.ts): a bit for each way the low five bits of an anchor's first
 * three bytes may go; an anchor shorter than three bytes allows any bits after its end.
 */
function startFilter(anchors: readonly string[]): Uint8Array {
  const filter = new Uint8Array(FILTER_BYTES);
  for (const anchor of anchors) {
    const bytes = encoder.encode(anchor);
    const [a, b, c] = [0, 1, 2].map((i) =>
      i < bytes.length ? [(bytes[i] as number) & 31] : LOW_FIVE_BITS,
    );
    for (const x of a as number[])
      for (const y of b as number[])
        for (const z of c as number[]) {
          const key = (x << 10) | (y << 5) | z;
          filter[key >> 3] = (filter[key >> 3] as number) | (1 << (key & 7));
        }
  }
  return filter;
}

/** The trie of `anchors`; an anchor is known by its index in that list. */
export function anchorTrie(anchors: readonly string[]): AnchorTrie {
  if (new Set(anchors).size !== anchors.length) throw new Error('anchors must be distinct');
  if (anchors.length > 0xffff) throw new Error('too many anchors');
  const { columns, columnCount, next, terminal } = buildTrie(anchors);
  const filter = startFilter(anchors);
  return {
    install(exports) {
      exports.trie(next.length, columnCount, anchors.length);
      const memory = exports.memory.buffer;
      new Uint8Array(memory, exports.triePart(0), 256).set(columns);
      const table = new Uint16Array(memory, exports.triePart(1), next.length * columnCount);
      next.forEach((row, state) => {
        row.forEach((to, column) => {
          table[state * columnCount + column] = to;
        });
      });
      new Int16Array(memory, exports.triePart(2), terminal.length).set(terminal);
      new Uint8Array(memory, exports.triePart(3), FILTER_BYTES).set(filter);
      exports.trieReady();
    },
    read: (output) => {
      const { results } = output;
      const [presentAt, found, groupsAt, positionsAt] = [6, 7, 8, 9].map(
        (slot) => results[slot] as number,
      ) as [number, number, number, number];
      const hits: AnchorHits = { present: [], positions: new Array(anchors.length) };
      for (let group = 0; group < found; group++) {
        const anchor = output.int32(presentAt + group * 4);
        const positions: number[] = [];
        const end = output.int32(groupsAt + (group + 1) * 4);
        for (let at = output.int32(groupsAt + group * 4); at < end; at++)
          positions.push(output.int32(positionsAt + at * 4));
        hits.present.push(anchor);
        hits.positions[anchor] = positions;
      }
      return hits;
    },
  };
}
