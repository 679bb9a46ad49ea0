#!/usr/bin/env node
// The `bastion` command. The CLI is TypeScript, which Node runs as it is from 22.18 on; an older
// Node would stop at the `.ts` extension with a stack trace, so it is told what it needs instead.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `bastion needs Node 22.18 or newer, this is ${process.version}: run it from the repository checkout as \`npx bastion …\` (which uses the Node 24 it installs)\n`,
  );
  process.exit(1);
}
await import('./main.ts');
