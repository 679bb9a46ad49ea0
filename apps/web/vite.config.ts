import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { integrity as sri } from '@bastion/security';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { apiProxy } from './dev-proxy.ts';

/**
 * The entry stylesheet goes into index.html as a <style> element (the security build allows it by
 * hash in style-src), so the first paint waits for no request but the page itself. It is the
 * only stylesheet (`cssCodeSplit: false`).
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'bastion:inline-entry-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        return html.replace(
          /<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"[^>]*>/g,
          (tag, file) => {
            const asset = bundle[file];
            if (asset?.type !== 'asset') return tag;
            delete bundle[file];
            return `<style>${String(asset.source).trim()}</style>`;
          },
        );
      },
    },
  };
}

/**
 * Vite puts the entry's module script (and any module preloads) into <head>; this moves them back
 * to the end of <body>, where index.html has the entry. A script element before the first screen
 * (the import map placed before it included) gives Chrome's parser a point to stop at before
 * <body>: the browser then paints the page empty, and the first screen's content takes a second
 * layout and paint. After it, the first paint has everything in index.html.
 */
function entryAfterFirstScreen(): Plugin {
  return {
    name: 'bastion:entry-after-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const headEnd = html.indexOf('</head>');
        const moved: string[] = [];
        const head = html
          .slice(0, headEnd)
          .replace(
            /\s*(<script type="module"[^>]*><\/script>|<link rel="modulepreload"[^>]*>)/g,
            (_, tag) => {
              moved.push(tag);
              return '';
            },
          );
        if (moved.length === 0) return html;
        const rest = html.slice(headEnd).replace('</body>', `  ${moved.join('\n    ')}\n  </body>`);
        return head + rest;
      },
    },
  };
}

/**
 * SRI for every chunk, the lazily imported ones included: an `import()` cannot carry an
 * `integrity` attribute, so index.html gets an import map whose `integrity` section lists each
 * emitted chunk's sha384 (browsers apply it to every module fetch of that URL, preloads too).
 * Hashed over the bytes as written; the security build then allows the map by its hash in
 * script-src. Runs after the bundle is written, so nothing changes a chunk afterwards.
 */
function chunkIntegrityMap(): Plugin {
  return {
    name: 'bastion:chunk-integrity-map',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const integrity: Record<string, string> = {};
      for (const file of Object.keys(bundle).sort()) {
        if (bundle[file]?.type !== 'chunk') continue;
        integrity[`/${file}`] = sri(readFileSync(join(dir, file)));
      }
      const html = join(dir, 'index.html');
      const map = `<script type="importmap">${JSON.stringify({ integrity })}</script>`;
      const page = readFileSync(html, 'utf8');
      // Before the first module script or preload (a map that comes after a module fetch began is
      // ignored), after the charset declaration (which must stay within the first 1024 bytes).
      const first = page.search(/<script\b|<link rel="modulepreload"/);
      if (first < 0) throw new Error('index.html loads no module for the import map to cover');
      writeFileSync(html, `${page.slice(0, first)}${map}\n    ${page.slice(first)}`);
    },
  };
}

export default defineConfig({
  plugins: [solid(), inlineEntryCss(), entryAfterFirstScreen(), chunkIntegrityMap()],
  build: {
    target: 'es2022',
    // Inline assets would need data: sources in the CSP; keep every asset a hashed file.
    assetsInlineLimit: 0,
    // One stylesheet, inlined into index.html: a lazy chunk's own stylesheet would be added by
    // Vite's preload helper as a <link> that carries no integrity (an import map covers scripts
    // only). The lazy panels' rules are a few hundred bytes, all under their own classes.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': apiProxy('http://127.0.0.1:8787') },
  },
});
