import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';

/**
 * The entry stylesheet goes into index.html as a <style> element (the security build allows it by
 * hash in style-src), so the first paint waits for no request but the page itself. Stylesheets
 * of lazy chunks stay files.
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

export default defineConfig({
  plugins: [solid(), inlineEntryCss()],
  build: {
    target: 'es2022',
    // Inline assets would need data: sources in the CSP; keep every asset a hashed file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8787' },
  },
});
