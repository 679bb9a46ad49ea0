import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { isSupportedFile } from './extract.ts';
import type { SourceDocument } from './types.ts';

export interface FileEntry {
  /** Real path on disk. */
  absolute: string;
  /** Path as stored and shown: relative, with forward slashes. */
  path: string;
  size: number;
}

export interface FileListing {
  files: FileEntry[];
  skipped: { path: string; reason: string }[];
}

export interface ListOptions {
  /** Real directory every file must resolve inside (symlinks included). */
  confineTo: string;
  maxFileBytes: number;
  /** Prepended to each file's path relative to a folder root; a file root's whole path. */
  prefix?: string;
}

export const MAX_FILE_BYTES = 50 * 1024 * 1024;

const IGNORED_DIRECTORIES = new Set(['node_modules']);

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/**
 * The ingestible files under `root` (a folder, walked in name order, or one file): dotfiles,
 * `node_modules`, symlinked folders, unsupported types, oversized files and anything whose real
 * path leaves `confineTo` are skipped (and listed as such).
 */
export function listFiles(root: string, options: ListOptions): FileListing {
  const confine = realpathSync(options.confineTo);
  const realRoot = realpathSync(root);
  const listing: FileListing = { files: [], skipped: [] };
  const displayPath = (file: string) =>
    toPosix(join(options.prefix ?? '', relative(realRoot, file) || basename(file)));

  const consider = (file: string, shown: string) => {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      listing.skipped.push({ path: shown, reason: 'unreadable' });
      return;
    }
    if (!inside(confine, real)) {
      listing.skipped.push({ path: shown, reason: 'outside the allowed folder' });
      return;
    }
    if (!isSupportedFile(real) && !isSupportedFile(file)) {
      listing.skipped.push({ path: shown, reason: 'unsupported file type' });
      return;
    }
    const { size } = statSync(real);
    if (size > options.maxFileBytes) {
      listing.skipped.push({ path: shown, reason: `larger than ${options.maxFileBytes} bytes` });
      return;
    }
    listing.files.push({ absolute: real, path: shown, size });
  };

  const walk = (dir: string) => {
    const entries: Dirent[] = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      if (entry.name.startsWith('.') || IGNORED_DIRECTORIES.has(entry.name)) continue;
      const full = join(dir, entry.name);
      const shown = displayPath(full);
      if (entry.isDirectory()) walk(full);
      else if (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isDirectory())
        listing.skipped.push({ path: shown, reason: 'symlinked folder' });
      else if (entry.isFile() || entry.isSymbolicLink()) consider(full, shown);
    }
  };

  if (!inside(confine, realRoot)) {
    listing.skipped.push({ path: displayPath(realRoot), reason: 'outside the allowed folder' });
  } else if (statSync(realRoot).isDirectory()) {
    walk(realRoot);
  } else {
    consider(realRoot, toPosix(options.prefix || basename(realRoot)));
  }
  return listing;
}

/** Reads the listed files one at a time, as ingestion consumes them. */
export async function* readFiles(files: readonly FileEntry[]): AsyncGenerator<SourceDocument> {
  for (const file of files) yield { path: file.path, content: await readFile(file.absolute) };
}
