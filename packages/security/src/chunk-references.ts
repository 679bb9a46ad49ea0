import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A script or stylesheet a built script loads at run time, as a root-relative URL. */
export interface ChunkReference {
  /** The script that names it, e.g. `/assets/index-abc.js`. */
  from: string;
  url: string;
}

/** Every file under `dir` (dotfile folders, which are never served, left out). */
function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The scripts and stylesheets that the built scripts in `dist` name, that is every quoted
 * `….js`/`….css` string that is a file of `dist` (relative to the script for `./` and `../`,
 * else to the root, as Vite's preload helper writes them). A script loaded this way is
 * integrity-checked only when the page gives its URL an integrity; a stylesheet the preload
 * helper adds never is.
 */
export function chunkReferences(dist: string): ChunkReference[] {
  const root = resolve(dist);
  const url = (path: string) => `/${relative(root, path).split(sep).join('/')}`;
  const references: ChunkReference[] = [];
  for (const script of filesUnder(root)) {
    if (!script.endsWith('.js')) continue;
    const seen = new Set<string>();
    for (const [, name] of readFileSync(script, 'utf8').matchAll(
      /["'`]([^"'`\s]+\.(?:js|css))["'`]/g,
    )) {
      const path = /^\.\.?\//.test(name!)
        ? resolve(dirname(script), name!)
        : resolve(root, name!.replace(/^\/+/, ''));
      if (!path.startsWith(root + sep) || !isFile(path) || path === script) continue;
      if (seen.has(path)) continue;
      seen.add(path);
      references.push({ from: url(script), url: url(path) });
    }
  }
  return references;
}

/**
 * Fails the build when a built script loads a script or stylesheet at run time that no integrity
 * covers: `covered` holds the URLs the page checks (its SRI-tagged resources and its import map).
 */
export function assertChunkIntegrity(dist: string, covered: ReadonlySet<string>): void {
  const unchecked = chunkReferences(dist).filter(({ url }) => !covered.has(url));
  if (unchecked.length === 0) return;
  const list = unchecked.map(({ from, url }) => `${from} → ${url}`).join(', ');
  const css = unchecked.some(({ url }) => url.endsWith('.css'))
    ? ' (a lazy chunk’s stylesheet: build with build.cssCodeSplit false)'
    : '';
  throw new Error(`built scripts load files no integrity covers: ${list}${css}`);
}
