import { checkRelativePath } from './safe-path.ts';

/**
 * Parses an ALLOW_SCRIPTS list (comma or semicolon separated) into normalised relative paths.
 * Throws, naming the entry, when one is absolute, escapes the root or is otherwise malformed.
 */
export function parseScriptList(list: string): string[] {
  return list
    .split(/[,;]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      try {
        return checkRelativePath(entry);
      } catch (error) {
        throw new Error(`${JSON.stringify(entry)}: ${(error as Error).message}`);
      }
    });
}
