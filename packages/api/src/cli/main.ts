// `bastion <command> …`: each command lives in ./commands/<name>.ts and exports `run(argv)`.
import { readFileSync } from 'node:fs';
import { printable } from './terminal.ts';

const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }
> = {
  ask: { summary: 'stream an answer to a question', load: () => import('./commands/ask.ts') },
  ingest: {
    summary: 'add files to the knowledge base',
    load: () => import('./commands/ingest.ts'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `Usage: bastion <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nOptions:\n  --version  print the version\n  --help     print this help\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

const [name, ...argv] = process.argv.slice(2);
const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
if (name === '--version' || name === '-v') {
  process.stdout.write(`bastion ${version()}\n`);
  process.exit(0);
}
if (!command) {
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    process.exit(0);
  }
  process.stderr.write(`bastion: unknown command "${printable(name.slice(0, 60))}"\n\n${usage()}`);
  process.exit(2);
}
process.exitCode = await (await command.load()).run(argv);
