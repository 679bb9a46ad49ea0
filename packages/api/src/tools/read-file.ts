import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { z } from 'zod';
import { refusal } from './refusal.ts';
import { fsRefusal, resolveInRoot, toolPath } from './safe-path.ts';
import { looksBinary, truncateUtf8 } from './text.ts';
import { defineTool } from './tool.ts';

/** Files beyond this are refused outright; `max_bytes` caps what is returned. */
export const MAX_READ_FILE_BYTES = 8 * 1024 * 1024;
const MAX_RETURN_BYTES = 1024 * 1024;
const MAX_LINE = 10_000_000;

const input = z
  .strictObject({
    path: toolPath.describe('File path relative to the repository root'),
    start_line: z.int().min(1).max(MAX_LINE).optional().describe('First line (1-based)'),
    end_line: z.int().min(1).max(MAX_LINE).optional().describe('Last line (inclusive)'),
    max_bytes: z
      .int()
      .min(1)
      .max(MAX_RETURN_BYTES)
      .default(256 * 1024)
      .describe('Cap on returned bytes'),
  })
  .refine(
    (a) => a.start_line === undefined || a.end_line === undefined || a.end_line >= a.start_line,
    {
      message: 'end_line must not be before start_line',
      path: ['end_line'],
    },
  );

async function openFile(real: string, shown: string): Promise<FileHandle> {
  try {
    // The real path has no symlinks left; O_NOFOLLOW refuses one swapped in since, and
    // O_NONBLOCK keeps a FIFO from hanging the call.
    return await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw fsRefusal(error, shown);
  }
}

async function readCapped(handle: FileHandle, shown: string): Promise<Buffer> {
  const stats = await handle.stat();
  if (!stats.isFile()) throw refusal('not_a_file', `Not a regular file: ${shown}`);
  if (stats.size > MAX_READ_FILE_BYTES) {
    throw refusal('too_large', `${shown} is larger than ${MAX_READ_FILE_BYTES} bytes`);
  }
  const bytes = await handle.readFile();
  if (bytes.length > MAX_READ_FILE_BYTES) {
    throw refusal('too_large', `${shown} grew beyond ${MAX_READ_FILE_BYTES} bytes`);
  }
  return bytes;
}

export const readFileTool = defineTool({
  description:
    'Read a text file under the repository root, optionally a line range, up to max_bytes.',
  dangerous: false,
  input,
  async run(args, env) {
    const { real, relative } = await resolveInRoot(env.root, args.path);
    const handle = await openFile(real, args.path);
    let bytes: Buffer;
    try {
      bytes = await readCapped(handle, args.path);
    } finally {
      await handle.close();
    }
    if (looksBinary(bytes)) throw refusal('binary_file', `${args.path} is a binary file`);

    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const startLine = args.start_line ?? 1;
    const endLine = Math.min(args.end_line ?? lines.length, lines.length);
    const selected = lines.slice(startLine - 1, endLine).join('\n');
    // Redact before cutting, so a cut can never leave half a secret unrecognised.
    const { text, truncated } = truncateUtf8(env.redact(selected), args.max_bytes);
    return {
      path: relative,
      size: bytes.length,
      totalLines: lines.length,
      startLine,
      endLine,
      content: text,
      truncated,
    };
  },
});
