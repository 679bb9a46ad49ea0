import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { assertChunkIntegrity } from './chunk-references.ts';
import { pageCsp, serializeCsp } from './csp.ts';
import { loaderSource, secureHtml } from './html.ts';
import { renderNginxConfig } from './nginx.ts';
import { integrity } from './sri.ts';

/** Files `bastion-security build` writes into dist/. */
export const buildFiles = {
  csp: 'csp.txt',
  sriManifest: 'sri-manifest.json',
  /** A dotfile directory: neither nginx nor the server ever serves it. */
  nginx: '.security/nginx.conf',
} as const;

const LOADER_PREFIX = 'assets/bastion-loader-';

export interface BuildResult {
  csp: string;
  /** URL → SRI of every resource the HTML files reference, the loaders included. */
  sri: Record<string, string>;
  loaders: string[];
  inlineScriptHashes: string[];
  written: string[];
}

function fileInside(dist: string, url: string): string {
  const path = resolve(dist, `.${decodeURIComponent(url.split(/[?#]/)[0] ?? '')}`);
  if (path !== dist && !path.startsWith(dist + sep)) throw new Error(`${url} points outside dist`);
  if (!existsSync(path))
    throw new Error(`${url} is referenced but ${relative(dist, path)} is missing`);
  return path;
}

/**
 * Secures a finished `vite build` output in place: SRI on the final bytes, the loader, the CSP
 * (`csp.txt`, read by the server), `sri-manifest.json`, and an nginx config for a local edge.
 */
export function buildSecurity(distDir: string): BuildResult {
  const dist = resolve(distDir);
  const htmlFiles = readdirSync(dist).filter((f) => f.endsWith('.html'));
  if (!htmlFiles.includes('index.html'))
    throw new Error(`${dist} has no index.html; run vite build first`);

  const sri: Record<string, string> = {};
  const integrityOf = (url: string) => {
    sri[url] ??= integrity(readFileSync(fileInside(dist, url)));
    return sri[url];
  };
  const writeLoader = (entries: ReadonlyArray<{ url: string; integrity: string }>) => {
    const source = loaderSource(entries);
    const name = `${LOADER_PREFIX}${createHash('sha256').update(source).digest('hex').slice(0, 12)}.js`;
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, name), source);
    const url = `/${name}`;
    sri[url] = integrity(source);
    return { url, integrity: sri[url] };
  };

  const scriptHashes = new Set<string>();
  const styleHashes = new Set<string>();
  const loaders: string[] = [];
  const inlineScriptHashes: string[] = [];
  const written: string[] = [];
  const covered = new Set<string>();
  const pages: Array<[path: string, html: string]> = [];
  for (const file of htmlFiles) {
    const path = join(dist, file);
    const html = readFileSync(path, 'utf8');
    if (html.includes(LOADER_PREFIX)) {
      throw new Error(
        `${file} was already processed; run vite build again before bastion-security build`,
      );
    }
    const secured = secureHtml(html, { integrityOf, writeLoader });
    if (secured.loader) {
      loaders.push(secured.loader.url);
      scriptHashes.add(`'${secured.loader.integrity}'`);
    }
    for (const hash of secured.inlineScriptHashes) scriptHashes.add(hash);
    for (const hash of secured.inlineStyleHashes) styleHashes.add(hash);
    inlineScriptHashes.push(...secured.inlineScriptHashes);
    for (const { url } of secured.resources) covered.add(url);
    for (const url of Object.keys(secured.importMapIntegrity)) covered.add(url);
    pages.push([path, secured.html]);
    written.push(file);
  }
  // What the pages' scripts load later must be integrity-checked too; the pages are written
  // only when it is.
  assertChunkIntegrity(dist, covered);
  for (const [path, html] of pages) writeFileSync(path, html);

  const csp = serializeCsp(
    pageCsp({ scriptHashes: [...scriptHashes], styleHashes: [...styleHashes] }),
  );
  const sorted = Object.fromEntries(Object.entries(sri).sort(([a], [b]) => a.localeCompare(b)));
  const outputs: Record<string, string> = {
    [buildFiles.csp]: `${csp}\n`,
    [buildFiles.sriManifest]: `${JSON.stringify({ algorithm: 'sha384', files: sorted }, null, 2)}\n`,
    [buildFiles.nginx]: renderNginxConfig({
      upstream: '127.0.0.1:8787',
      root: dist,
      listen: '127.0.0.1:8080',
      csp,
      prefix: '/tmp/bastion-nginx',
    }),
  };
  for (const [name, content] of Object.entries(outputs)) {
    mkdirSync(join(dist, name, '..'), { recursive: true });
    writeFileSync(join(dist, name), content);
    written.push(name);
  }
  return { csp, sri: sorted, loaders, inlineScriptHashes, written };
}

/** The CSP a build wrote next to the web root, or null when the web app was not secured. */
export function readBuiltCsp(webRoot: string): string | null {
  const path = join(webRoot, buildFiles.csp);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}
