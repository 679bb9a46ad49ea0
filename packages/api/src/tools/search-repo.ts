import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { refusal } from './refusal.ts';
import { isProtectedName, resolveInRoot, toolPath } from './safe-path.ts';
import { looksBinary } from './text.ts';
import { defineTool } from './tool.ts';

/** Bounds on one search, so a query over a large tree costs at most a few seconds. */
export const SEARCH_LIMITS = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 20_000,
  maxTotalBytes: 64 * 1024 * 1024,
  timeBudgetMs: 5_000,
  previewChars: 240,
};

/** Dependency trees are not the repository's own text. */
const SKIPPED_DIRS = new Set(['node_modules']);

const input = z.strictObject({
  query: z.string().min(1).max(200).describe('Literal text to find (not a pattern)'),
  path: toolPath.default('.').describe('Directory to search, relative to the repository root'),
  max_results: z.int().min(1).max(500).default(50),
  case_sensitive: z.boolean().default(false),
});

export interface SearchMatch {
  path: string;
  line: number;
  text: string;
}

function preview(line: string, needle: string, fold: (s: string) => string): string {
  const { previewChars } = SEARCH_LIMITS;
  if (line.length <= previewChars) return line;
  const at = Math.max(0, fold(line).indexOf(needle));
  const start = Math.max(0, Math.min(at - 40, line.length - previewChars));
  return line.slice(start, start + previewChars);
}

async function childrenOf(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return []; // unreadable or removed meanwhile: nothing to search there
  }
}

export const searchRepoTool = defineTool({
  description:
    'Find literal text in the files under a directory (symlinks, binaries, .git and node_modules ' +
    'skipped; files over 1 MiB skipped), with caps on files, bytes and time.',
  dangerous: false,
  input,
  async run(args, env) {
    const start = await resolveInRoot(env.root, args.path);
    if (!(await lstat(start.real)).isDirectory()) {
      throw refusal('not_a_directory', `Not a directory: ${args.path}`);
    }
    const fold = args.case_sensitive ? (s: string) => s : (s: string) => s.toLowerCase();
    const needle = fold(args.query);
    const deadline = performance.now() + SEARCH_LIMITS.timeBudgetMs;
    const matches: SearchMatch[] = [];
    let filesScanned = 0;
    let bytesScanned = 0;
    let truncated = false;

    // Depth-first in name order: a directory's files, then its subdirectories.
    const stack: string[] = [start.real];
    walk: while (stack.length > 0) {
      const dir = stack.pop() as string;
      const children = (await childrenOf(dir)).filter((d) => !isProtectedName(d.name));
      const subdirs = children.filter((d) => d.isDirectory() && !SKIPPED_DIRS.has(d.name));
      stack.push(...subdirs.reverse().map((d) => join(dir, d.name)));
      const files = children.filter((d) => d.isFile()).map((d) => join(dir, d.name));
      for (const file of files) {
        if (
          filesScanned >= SEARCH_LIMITS.maxFiles ||
          bytesScanned >= SEARCH_LIMITS.maxTotalBytes ||
          performance.now() > deadline
        ) {
          truncated = true;
          break walk;
        }
        let bytes: Buffer;
        try {
          if ((await lstat(file)).size > SEARCH_LIMITS.maxFileBytes) continue;
          bytes = await readFile(file);
        } catch {
          continue;
        }
        filesScanned++;
        bytesScanned += bytes.length;
        if (looksBinary(bytes)) continue;
        const lines = bytes.toString('utf8').split('\n');
        for (const [index, line] of lines.entries()) {
          if (!fold(line).includes(needle)) continue;
          // Matched again on what the caller will see, or a query could spell out a redacted
          // value one character at a time from which lines match.
          const shown = env.redact(line);
          if (!fold(shown).includes(needle)) continue;
          if (matches.length >= args.max_results) {
            truncated = true;
            break walk;
          }
          matches.push({
            path: relative(env.root, file).split(sep).join('/'),
            line: index + 1,
            text: preview(shown, needle, fold),
          });
        }
      }
    }
    return { query: args.query, matches, filesScanned, truncated };
  },
});
