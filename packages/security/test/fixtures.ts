import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Every temp folder a test file made, removed once its tests have run (pass or fail). */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'bastion-security-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The import map by which the page's build gives lazily imported chunks their integrity. */
export const importMap = `\n    <script type="importmap">{"integrity":{"/assets/chunk-XyZ789.js":"sha384-${'A'.repeat(64)}"}}</script>`;

/** A dist/ shaped like vite 8's output: module entry, a preloaded chunk, a stylesheet, icons. */
export function viteDist(head = ''): string {
  const dist = tempDir('bastion-dist-');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'assets', 'index-AbC123.js'),
    'import "./chunk-XyZ789.js";\nconsole.log("app");\n',
  );
  writeFileSync(join(dist, 'assets', 'chunk-XyZ789.js'), 'export const x = 1;\n');
  writeFileSync(join(dist, 'assets', 'index-Def456.css'), 'body{margin:0}\n');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"Bastion"}');
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Bastion</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="manifest" href="/manifest.webmanifest" />${head}
    <style>#root{min-height:100vh}</style>
    <script type="module" crossorigin src="/assets/index-AbC123.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/chunk-XyZ789.js">
    <link rel="stylesheet" crossorigin href="/assets/index-Def456.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`,
  );
  return dist;
}

/** A self-signed localhost certificate and key (P-256), made with the openssl CLI. */
export function selfSignedCert(cert: string, key: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
}
