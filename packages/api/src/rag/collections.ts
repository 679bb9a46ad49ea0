import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';

export const DEFAULT_COLLECTION = 'default';
export const COLLECTION_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

export const collectionId = z
  .string()
  .regex(COLLECTION_PATTERN, 'must be 1-64 letters, digits, "_" or "-"');

export class InvalidCollectionError extends Error {
  constructor(id: string) {
    super(
      `Invalid collection id ${JSON.stringify(id.slice(0, 80))}: use 1-64 letters, digits, _ or -`,
    );
    this.name = 'InvalidCollectionError';
  }
}

/** A valid collection id (default when absent), or InvalidCollectionError. */
export function checkCollection(id: string | undefined): string {
  const value = id ?? DEFAULT_COLLECTION;
  if (!COLLECTION_PATTERN.test(value)) throw new InvalidCollectionError(value);
  return value;
}

export class PathEscapeError extends Error {
  constructor() {
    super('The path resolves outside the data directory');
    this.name = 'PathEscapeError';
  }
}

/** Whether `path` is `root` or inside it (both already absolute and normalised). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `dataDir/segments…`, refused (PathEscapeError) unless its real path, symlinks resolved, stays
 * inside the real data directory. A path that does not exist yet is checked through its nearest
 * existing parent.
 */
export function confinedPath(dataDir: string, ...segments: string[]): string {
  const root = realpathSync(dataDir);
  const target = resolve(root, join(...segments));
  if (!within(root, target)) throw new PathEscapeError();
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    let real: string;
    try {
      real = realpathSync(existing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(basename(existing));
      existing = dirname(existing);
      continue;
    }
    if (!within(root, real)) throw new PathEscapeError();
    return join(real, ...missing);
  }
}

/** The drop folder of a collection: `DATA_DIR/collections/<id>`, confined to DATA_DIR. */
export function collectionFolder(dataDir: string, id: string): string {
  return confinedPath(dataDir, 'collections', checkCollection(id));
}
