#!/usr/bin/env node
// `bastion <command> …`: each command lives in ./commands/<name>.ts and exports `run(argv)`.

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
  return `Usage: bastion <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

const [name, ...argv] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(usage());
  process.exit(name === undefined || name === '--help' || name === '-h' ? 0 : 2);
}
process.exitCode = await (await command.load()).run(argv);
