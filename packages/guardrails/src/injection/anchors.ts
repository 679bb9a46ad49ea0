import { re } from '../patterns.ts';

// The gate in front of the rules: one pass over the text finds which anchor word starts occur, and
// only the rules whose anchors are all present run. The scan tries longer anchors first; when it
// finds one, the shorter anchors that begin it occur at the same place and are recorded too, and
// the scan resumes one character later, so every anchor that occurs at a word start is found.

const SPECIAL = re(/[.*+?^${}()|[\]\\/]/g);
const escapeLiteral = (literal: string): string => literal.replace(SPECIAL, '\\$&');
const isWordChar = (ch: string): boolean => (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

interface TrieNode {
  terminal: boolean;
  children: Map<string, TrieNode>;
}

/**
 * The literals as one alternation factored by shared prefixes (`ab(?:c|d(?:e)?)`), so the regex
 * engine follows a single branch per character instead of trying every literal in turn. Optional
 * groups are greedy, so the longest literal that occurs is the one matched.
 */
function trieAlternation(literals: string[]): string {
  const root: TrieNode = { terminal: false, children: new Map() };
  for (const literal of literals) {
    let node = root;
    for (const ch of literal) {
      let child = node.children.get(ch);
      if (child === undefined) {
        child = { terminal: false, children: new Map() };
        node.children.set(ch, child);
      }
      node = child;
    }
    node.terminal = true;
  }
  const emit = (node: TrieNode): string => {
    const branches = [...node.children].map(([ch, child]) => escapeLiteral(ch) + emit(child));
    if (branches.length === 0) return '';
    const body =
      branches.length === 1 && !node.terminal
        ? (branches[0] as string)
        : `(?:${branches.join('|')})`;
    return node.terminal ? `${branches.length === 1 ? `(?:${branches[0]})` : body}?` : body;
  };
  return emit(root);
}

/** The anchors that occur: their indices in order of discovery, and each one's ascending positions. */
export interface AnchorHits {
  present: number[];
  positions: Array<number[] | undefined>;
}

/** Scans for `anchors`; an anchor is known by its index in that list. */
export function anchorScanner(anchors: readonly string[]): (folded: string) => AnchorHits {
  const index = new Map(anchors.map((anchor, i) => [anchor, i]));
  const all = [...index.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  // The indices of every anchor that a matched (longest) anchor begins with, itself included.
  const prefixes = new Map(
    all.map((a) => [a, all.filter((b) => a.startsWith(b)).map((b) => index.get(b) as number)]),
  );
  const words = all.filter((a) => isWordChar(a[0] ?? ' '));
  const symbols = all.filter((a) => !isWordChar(a[0] ?? ' '));
  const scans = [re(new RegExp(`\\b${trieAlternation(words)}`, 'g'))];
  if (symbols.length) scans.push(re(new RegExp(trieAlternation(symbols), 'g')));

  return (folded) => {
    const hits: AnchorHits = { present: [], positions: new Array(anchors.length) };
    for (const scan of scans) {
      scan.lastIndex = 0;
      for (let m = scan.exec(folded); m !== null; m = scan.exec(folded)) {
        for (const id of prefixes.get(m[0]) as number[]) {
          const positions = hits.positions[id];
          if (positions === undefined) {
            hits.positions[id] = [m.index];
            hits.present.push(id);
          } else {
            positions.push(m.index);
          }
        }
        scan.lastIndex = m.index + 1;
      }
      scan.lastIndex = 0;
    }
    return hits;
  };
}
