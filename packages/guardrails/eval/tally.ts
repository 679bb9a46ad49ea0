// Counting and printing for the evaluation scripts.

export interface Tally {
  hit: number;
  total: number;
}

export function count(tallies: Map<string, Tally>, key: string, hit: boolean): void {
  const tally = tallies.get(key) ?? { hit: 0, total: 0 };
  tally.total++;
  if (hit) tally.hit++;
  tallies.set(key, tally);
}

export const rate = (t: Tally): number => t.hit / Math.max(1, t.total);

export const percent = (t: Tally | undefined): string =>
  t === undefined || t.total === 0 ? '—' : `${(100 * rate(t)).toFixed(1)}%`;

export const cell = (t: Tally | undefined): string =>
  t === undefined || t.total === 0 ? '' : `${percent(t)} (${t.hit}/${t.total})`;

export function sum(tallies: Iterable<Tally>): Tally {
  const total: Tally = { hit: 0, total: 0 };
  for (const t of tallies) {
    total.hit += t.hit;
    total.total += t.total;
  }
  return total;
}

/** Prints rows of cells as a Markdown table. */
export function markdown(header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => ' --- ').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

export function check(name: string, value: number, target: number, atLeast: boolean): boolean {
  const ok = atLeast ? value >= target : value <= target;
  console.log(
    `  ${name.padEnd(48)} ${`${(100 * value).toFixed(1)}%`.padStart(6)}  target ${atLeast ? '>=' : '<='} ${100 * target}%  ${ok ? 'ok' : 'MISSED'}`,
  );
  return ok;
}
