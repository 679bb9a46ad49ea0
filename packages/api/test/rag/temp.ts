import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups: (() => unknown)[] = [];

/** Registers work for `cleanup`, which runs it in reverse order. */
export function onCleanup(work: () => unknown): void {
  cleanups.push(work);
}

/** Runs everything registered so far; call from afterEach/afterAll. */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}

export function tempDir(prefix = 'bastion-rag-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
