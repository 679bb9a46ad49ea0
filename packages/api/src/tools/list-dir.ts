import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { refusal } from './refusal.ts';
import { fsRefusal, isProtectedName, resolveInRoot, toolPath } from './safe-path.ts';
import { defineTool } from './tool.ts';

const input = z.strictObject({
  path: toolPath.default('.').describe('Directory relative to the repository root'),
  max_entries: z.int().min(1).max(1000).default(200).describe('Cap on returned entries'),
});

type EntryType = 'file' | 'dir' | 'symlink' | 'other';

function entryType(entry: Dirent): EntryType {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await lstat(path)).size;
  } catch {
    return null; // removed since it was listed
  }
}

export const listDirTool = defineTool({
  description:
    'List a directory under the repository root (name, type, size), sorted by name; .git is hidden.',
  dangerous: false,
  input,
  async run(args, env) {
    const { real, relative } = await resolveInRoot(env.root, args.path);
    let dirents: Dirent[];
    try {
      dirents = await readdir(real, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        throw refusal('not_a_directory', `Not a directory: ${args.path}`);
      }
      throw fsRefusal(error, args.path);
    }
    const visible = dirents
      .filter((d) => !isProtectedName(d.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entries = await Promise.all(
      visible.slice(0, args.max_entries).map(async (d) => ({
        name: d.name,
        type: entryType(d),
        size: d.isFile() ? await sizeOf(join(real, d.name)) : null,
      })),
    );
    return {
      path: relative,
      entries,
      total: visible.length,
      truncated: visible.length > entries.length,
    };
  },
});
