import { printable } from './terminal.ts';

export interface Progress {
  update(done: number, label: string): void;
  finish(): void;
}

const WIDTH = 24;
const REDRAW_MS = 50;

/**
 * A one-line progress bar on a terminal (`[#####·····] 12/40 docs/guide.md`), redrawn at most
 * every 50 ms; nothing at all when the stream is not a TTY (pipes, CI logs).
 */
export function progressBar(stream: NodeJS.WriteStream, total: number): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  let drawnAt = 0;
  let drawn = false;
  const draw = (done: number, label: string) => {
    const filled = total > 0 ? Math.round((WIDTH * Math.min(done, total)) / total) : 0;
    const bar = `[${'#'.repeat(filled)}${'·'.repeat(WIDTH - filled)}] ${done}/${total} `;
    const room = Math.max(0, (stream.columns ?? 80) - bar.length - 1);
    // A file name may hold control characters: shown, never acted on.
    const shown = printable(label);
    const tail = shown.length > room ? `…${shown.slice(shown.length - room + 1)}` : shown;
    stream.write(`\r\x1b[2K${bar}${tail}`);
    drawn = true;
  };
  return {
    update(done, label) {
      const now = Date.now();
      if (now - drawnAt < REDRAW_MS && done < total) return;
      drawnAt = now;
      draw(done, label);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
