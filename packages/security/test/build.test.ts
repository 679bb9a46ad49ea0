import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFiles, buildSecurity, readBuiltCsp } from '../src/build.ts';
import { parseCsp } from '../src/csp.ts';
import { viteDist } from './fixtures.ts';

const sri = (bytes: Buffer | string) =>
  `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

function attrsOf(html: string, selector: RegExp): Record<string, string>[] {
  return [...html.matchAll(selector)].map((m) =>
    Object.fromEntries([...m[0].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

describe('bastion-security build', () => {
  it('puts SRI of the final bytes on every script, stylesheet and modulepreload', () => {
    const dist = viteDist();
    const result = buildSecurity(dist);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const tags = [
      ...attrsOf(html, /<script [^>]*>/g),
      ...attrsOf(
        html,
        /<link rel="(?:modulepreload|stylesheet)"[^>]*>|<link [^>]*rel="(?:modulepreload|stylesheet)"[^>]*>/g,
      ),
    ];
    expect(tags.length).toBe(4); // loader, entry preload, chunk preload, stylesheet
    for (const tag of tags) {
      const url = tag.src ?? tag.href!;
      expect(tag.crossorigin).toBe('anonymous');
      expect(tag.integrity).toBe(sri(readFileSync(join(dist, url))));
      expect(result.sri[url]).toBe(tag.integrity);
    }
    const manifest = JSON.parse(readFileSync(join(dist, buildFiles.sriManifest), 'utf8'));
    expect(manifest).toEqual({ algorithm: 'sha384', files: result.sri });
  });

  it('moves the module entry behind a hash-trusted loader that inserts it with SRI', () => {
    const dist = viteDist();
    const result = buildSecurity(dist);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const scripts = attrsOf(html, /<script [^>]*>/g);
    expect(scripts).toHaveLength(1);
    const loaderUrl = scripts[0]!.src!;
    expect(loaderUrl).toMatch(/^\/assets\/bastion-loader-[0-9a-f]{12}\.js$/);
    const loader = readFileSync(join(dist, loaderUrl), 'utf8');
    expect(loader).toContain(
      JSON.stringify([
        ['/assets/index-AbC123.js', sri(readFileSync(join(dist, 'assets/index-AbC123.js')))],
      ]),
    );
    expect(html).toContain(
      '<link rel="modulepreload" crossorigin="anonymous" href="/assets/index-AbC123.js"',
    );
    // The CSP trusts exactly the loader, matched through its integrity attribute.
    expect(parseCsp(result.csp).get('script-src')).toEqual([
      `'${scripts[0]!.integrity}'`,
      "'strict-dynamic'",
    ]);
    expect(readBuiltCsp(dist)).toBe(result.csp);
    expect(result.inlineScriptHashes).toEqual([]);
  });

  it('leaves the rest of the document byte-identical', () => {
    const dist = viteDist();
    const before = readFileSync(join(dist, 'index.html'), 'utf8');
    buildSecurity(dist);
    const after = readFileSync(join(dist, 'index.html'), 'utf8');
    const untouched = (html: string) =>
      html.split('\n').filter((l) => !/<script|modulepreload|stylesheet/.test(l));
    expect(untouched(after)).toEqual(untouched(before));
  });

  it('hashes inline scripts into the CSP (SHA-256 of the exact text)', () => {
    const inline = 'window.bootAt = Date.now();';
    const dist = viteDist(
      `\n    <script>${inline}</script>\n    <script type="application/ld+json">{}</script>`,
    );
    const result = buildSecurity(dist);
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    expect(result.inlineScriptHashes).toEqual([hash]);
    expect(parseCsp(result.csp).get('script-src')).toContain(hash);
  });

  it('renders an nginx config and refuses to process the same output twice', () => {
    const dist = viteDist();
    buildSecurity(dist);
    expect(existsSync(join(dist, buildFiles.nginx))).toBe(true);
    expect(() => buildSecurity(dist)).toThrow(/already processed/);
  });

  it('refuses what the CSP would block or could not check', () => {
    const foreign = viteDist('\n    <link rel="stylesheet" href="https://cdn.example.com/x.css">');
    expect(() => buildSecurity(foreign)).toThrow(/another origin/);
    const handler = viteDist('\n    <meta name="x" onclick="alert(1)">');
    expect(() => buildSecurity(handler)).toThrow(/inline code the CSP blocks/);
    const missing = viteDist();
    writeFileSync(
      join(missing, 'index.html'),
      '<script type="module" src="/assets/gone.js"></script>',
    );
    expect(() => buildSecurity(missing)).toThrow(/gone\.js is referenced but/);
  });

  it('refuses a script or stylesheet that a built script loads later with no integrity', () => {
    // Vite's preload helper names a lazy chunk's files from the root; `import()` is relative.
    const lazy = (dist: string, loads: string) => {
      writeFileSync(join(dist, 'assets', 'Panel-Q1.js'), 'export default 1;\n');
      writeFileSync(join(dist, 'assets', 'Panel-Q1.css'), '.panel{gap:1px}\n');
      writeFileSync(
        join(dist, 'assets', 'index-AbC123.js'),
        `import "./chunk-XyZ789.js";\n${loads}`,
      );
      return dist;
    };
    const stylesheet = lazy(viteDist(), 'const d = ["assets/Panel-Q1.js", "assets/Panel-Q1.css"];');
    const before = readFileSync(join(stylesheet, 'index.html'), 'utf8');
    expect(() => buildSecurity(stylesheet)).toThrow(
      /\/assets\/index-AbC123\.js → \/assets\/Panel-Q1\.css.*cssCodeSplit/,
    );
    // Nothing is left half-secured.
    expect(readFileSync(join(stylesheet, 'index.html'), 'utf8')).toBe(before);
    const script = lazy(viteDist(), 'import("./Panel-Q1.js");');
    expect(() => buildSecurity(script)).toThrow(/→ \/assets\/Panel-Q1\.js$/);
    // In the import map's integrity, the chunk is checked wherever it is loaded from.
    const map = `\n    <script type="importmap">{"integrity":{"/assets/Panel-Q1.js":"sha384-x"}}</script>`;
    expect(() => buildSecurity(lazy(viteDist(map), 'import("./Panel-Q1.js");'))).not.toThrow();
  });
});
