// Builds the publishable client: JavaScript bundles of @bastion/api's client (Node and browser)
// and the declarations of everything its types reach, so `npm pack` yields a tarball another
// project installs from the registry's packages alone. Runs as `prepack`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const entry = join(here, '../api/src/client/index.ts');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const external = (id: string) =>
  Object.keys(pkg.dependencies).some((dep) => id === dep || id.startsWith(`${dep}/`));

rmSync(dist, { recursive: true, force: true });
for (const [platform, file] of [
  ['node', 'index.js'],
  ['browser', 'browser.js'],
] as const) {
  await build({
    input: entry,
    platform,
    external,
    resolve: {
      conditionNames: platform === 'browser' ? ['browser', 'import'] : ['node', 'import'],
    },
    output: { file: join(dist, file), format: 'esm' },
    logLevel: 'warn',
  });
}

// Declarations: TypeScript's own emit, then specifiers a consumer can resolve (`.js` for
// relative files, workspace packages as relative paths into the same tree). package.json exports
// every declaration file as `@bastion/client/types/…`: a consumer that exports a value of an
// inferred client type (`export const bastion = createBastionClient(…)` under `declaration`, as
// `tsc --init` sets) has TypeScript name the router's types by that path, which it may only do
// for files the package exports.
const tsc = join(here, '../../node_modules/.bin/tsc');
execFileSync(tsc, ['-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
const types = join(dist, 'types');
const workspace: Record<string, string> = {
  '@bastion/guardrails': join(types, 'guardrails/src/index.d.ts'),
  '#event-source': join(types, 'api/src/client/event-source.node.d.ts'),
};

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? declarationFiles(path)
      : path.endsWith('.d.ts')
        ? [path]
        : [];
  });
}

for (const file of declarationFiles(types)) {
  const text = readFileSync(file, 'utf8').replace(
    /(from |import\()(['"])([^'"]+)\2/g,
    (whole, keyword: string, quote: string, specifier: string) => {
      let target = specifier;
      const local = workspace[specifier];
      if (local) {
        target = relative(dirname(file), local).replace(/\.d\.ts$/, '.js');
        if (!target.startsWith('.')) target = `./${target}`;
      } else if (specifier.startsWith('.') && specifier.endsWith('.ts')) {
        target = `${specifier.slice(0, -3)}.js`;
      }
      return target === specifier ? whole : `${keyword}${quote}${target}${quote}`;
    },
  );
  writeFileSync(file, text);
}
