import { describe, expect, it } from 'vitest';
import { createStreamRedactor } from '../src/index.ts';

// The stream redactor scans its buffer at (nearly) every chunk, so any work that grows with the
// text already released (a context that is never dropped, a view rebuilt from the start, names
// searched again from the start) makes a long answer quadratic. Four times the text must cost
// about four times the work: a quadratic stream costs sixteen times. CPU time rather than wall
// time, best of two rounds, and a bound of eight, so that a busy machine does not fail it.

const WALLS: ReadonlyArray<readonly [string, string]> = [
  ["Azure-like 'Q~'", 'ab1Q~'],
  ['Markdown escapes, markers and references', 'sk\\_a**b&#x73;'],
  ['Cyrillic prose', 'Пароль от сервера хранится в сейфе. '],
  ['zero-width characters', 'ab\u200bcd\u200b'],
  ['right-to-left overrides never closed', 'ab\u202ecd'],
  ["'psexec -p' and 'machine … password'", 'psexec -p machine a login b password '],
];

const KB = 1024;
const CHUNK = 64;

function streamCpuMs(text: string): number {
  const started = process.cpuUsage();
  const redactor = createStreamRedactor();
  for (let at = 0; at < text.length; at += CHUNK) redactor.push(text.slice(at, at + CHUNK));
  redactor.flush();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

const wall = (unit: string, size: number): string =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

describe('the stream redactor works in time linear in the text', () => {
  for (const [name, unit] of WALLS) {
    it(`${name}: 1 MB costs about four times 256 KB`, { timeout: 60_000 }, () => {
      const small = wall(unit, 256 * KB);
      const large = wall(unit, 1024 * KB);
      streamCpuMs(small); // compiles the code paths of this wall
      let smallMs = Number.POSITIVE_INFINITY;
      let largeMs = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 2; round++) {
        smallMs = Math.min(smallMs, streamCpuMs(small));
        largeMs = Math.min(largeMs, streamCpuMs(large));
      }
      expect(largeMs / Math.max(smallMs, 1), `${smallMs} ms, then ${largeMs} ms`).toBeLessThan(8);
    });
  }
});
