// Runs every `*.<kind>.ts` file in a folder, one child process each, in name order; used by the
// packages' `bench` and `eval` scripts so each feature adds a file instead of editing a script.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dir = '.', kind = 'bench', ...rest] = process.argv.slice(2);
const folder = resolve(dir);
const files = readdirSync(folder)
  .filter((f) => f.endsWith(`.${kind}.ts`))
  .sort();
if (files.length === 0) {
  console.error(`no *.${kind}.ts files in ${folder}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, [join(folder, file), ...rest], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
