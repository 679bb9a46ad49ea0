import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { printable } from './terminal.ts';

/**
 * Parses a command's arguments. Prints the help (`--help`, exit 0) or the usage error (exit 2)
 * itself; returns the parsed arguments, or the exit code to end with.
 */
export function parseCommand<const O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
  help: string,
) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    // The message quotes the argument it refuses.
    process.stderr.write(`${printable((error as Error).message)}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help);
    return 0;
  }
  return parsed;
}
