import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { refusal } from './refusal.ts';

/** Linux PATH_MAX and NAME_MAX, in bytes. */
const MAX_PATH_BYTES = 4096;
const MAX_NAME_BYTES = 255;

/** Directories no tool reads, lists or searches: git internals can hold credentials in remotes. */
const PROTECTED_NAMES = new Set(['.git']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Schema for a tool's path argument: the safe join does the checking, this only bounds the size. */
export const toolPath = z.string().min(1).max(8192);

/** `C:…` and `file:…`, `http:…`: a first segment naming a drive or a URL scheme. */
const DRIVE_OR_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function isProtectedName(name: string): boolean {
  return PROTECTED_NAMES.has(name);
}

/**
 * Checks a caller-supplied path lexically and returns it as a normalised relative POSIX path
 * ('.' for the root). Anything ambiguous is refused rather than decoded or repaired: encoded
 * sequences, backslashes, drive letters, absolute and UNC paths, `..`, control characters,
 * compatibility look-alikes (fullwidth dots and slashes) and overlong names.
 */
export function checkRelativePath(input: string): string {
  if (CONTROL_CHARACTER.test(input)) {
    throw refusal('path_invalid', 'Paths may not contain NUL or control characters');
  }
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) {
    throw refusal('path_invalid', `Paths are limited to ${MAX_PATH_BYTES} bytes`);
  }
  if (input.includes('%')) {
    throw refusal('path_invalid', 'Percent-encoded paths are not accepted');
  }
  if (input.includes('\\')) {
    throw refusal('path_invalid', 'Use forward slashes; backslashes are not accepted');
  }
  if (input.normalize('NFKC') !== input) {
    throw refusal('path_invalid', 'Paths must be in Unicode normal form (NFKC)');
  }
  if (input.startsWith('/') || DRIVE_OR_SCHEME.test(input)) {
    throw refusal(
      'path_outside_root',
      'Paths are relative to the repository root (no absolute paths, drive letters or URLs)',
    );
  }
  const segments = input.split('/').filter((s) => s !== '' && s !== '.');
  for (const segment of segments) {
    if (segment === '..') {
      throw refusal('path_outside_root', 'Paths may not contain ".." segments');
    }
    if (Buffer.byteLength(segment) > MAX_NAME_BYTES) {
      throw refusal('path_invalid', `File names are limited to ${MAX_NAME_BYTES} bytes`);
    }
    if (isProtectedName(segment)) {
      throw refusal('path_denied', `"${segment}" is not accessible to tools`);
    }
  }
  return segments.length === 0 ? '.' : segments.join('/');
}

/** `real` relative to `root` as a POSIX path, or null when it lies outside. */
function insideRoot(root: string, real: string): string | null {
  const rel = relative(root, real);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Maps a file-system error on `shown` (the caller's path) to a refusal; others are rethrown. */
export function fsRefusal(error: unknown, shown: string): Error {
  switch (errorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return refusal('not_found', `No such file or directory: ${shown}`);
    case 'ELOOP':
      return refusal('path_invalid', `Symlink loop or symlink where none is allowed: ${shown}`);
    case 'EACCES':
    case 'EPERM':
      return refusal('permission_denied', `Permission denied: ${shown}`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** The real path of the deepest existing ancestor of `path`. */
async function realAncestor(path: string): Promise<string> {
  for (let current = dirname(path); ; current = dirname(current)) {
    try {
      return await realpath(current);
    } catch (error) {
      if (dirname(current) === current) throw error;
    }
  }
}

export interface ConfinedPath {
  /** Absolute real path (symlinks resolved), inside the root. */
  real: string;
  /** The real path relative to the root, POSIX separators. */
  relative: string;
}

/**
 * Joins `input` to `root` (itself a real path) and resolves symlinks; the result must stay inside
 * the root. A missing path is `not_found` only when its existing ancestors are inside the root,
 * so a symlink pointing out of the root cannot be used to probe what exists beyond it.
 */
export async function resolveInRoot(root: string, input: string): Promise<ConfinedPath> {
  const candidate = join(root, checkRelativePath(input));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (insideRoot(root, await realAncestor(candidate)) === null) {
        throw refusal('path_outside_root', 'The path leaves the repository root');
      }
    }
    throw fsRefusal(error, input);
  }
  const rel = insideRoot(root, real);
  if (rel === null) throw refusal('path_outside_root', 'The path leaves the repository root');
  if (rel.split('/').some(isProtectedName)) {
    throw refusal('path_denied', 'The path resolves into a directory tools may not access');
  }
  return { real, relative: rel };
}
