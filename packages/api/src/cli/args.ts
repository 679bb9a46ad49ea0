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
    process.stderr.write(`error: ${usageError(error as Error & { code?: string })}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help);
    return 0;
  }
  return parsed;
}

/**
 * parseArgs' refusal in the CLI's words. Its own text for an unknown option runs on about
 * positionals after `--` and ends with an unbalanced quote.
 */
function usageError(error: Error & { code?: string }): string {
  const option = printable(/'(-[^' ]*)/.exec(error.message)?.[1] ?? '');
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  return printable(error.message);
}
