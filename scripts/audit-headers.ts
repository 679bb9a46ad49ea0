// `npm run audit:headers`: the two external judges of the edge (SPEC section 12), run offline
// against a real nginx (TLS with a test CA) in front of the real server:
//  - MDN HTTP Observatory (npm @mdn/mdn-http-observatory): 135 points, A+, no failed test;
//  - Google's csp_evaluator on the served CSP: no HIGH, SYNTAX, MEDIUM, HIGH_MAYBE, MEDIUM_MAYBE.
// The Observatory is installed on first use into node_modules/.cache with --ignore-scripts: its
// postinstall downloads the HSTS preload and TLD lists from the internet, which the scan does not
// need here (an empty preload list is written instead: localhost is preloaded nowhere).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeCsp } from '@bastion/security';
import { startEdge } from '../e2e/fixtures/nginx.ts';
import { fetchRaw } from '../e2e/fixtures/tls.ts';

const OBSERVATORY = '@mdn/mdn-http-observatory';
const OBSERVATORY_VERSION = '1.4.8';
const root = new URL('..', import.meta.url).pathname;
const cacheDir = join(root, 'node_modules', '.cache', 'bastion-observatory');
const packageDir = join(cacheDir, 'node_modules', OBSERVATORY);

function ensureObservatory(): void {
  const pkg = join(packageDir, 'package.json');
  const installed = existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).version;
  if (installed !== OBSERVATORY_VERSION) {
    console.log(
      `Installing ${OBSERVATORY}@${OBSERVATORY_VERSION} (without install scripts) into ${cacheDir}`,
    );
    mkdirSync(cacheDir, { recursive: true });
    const npm = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        cacheDir,
        '--ignore-scripts',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--omit=optional',
        `${OBSERVATORY}@${OBSERVATORY_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
    if (npm.status !== 0) throw new Error(`npm install ${OBSERVATORY} failed`);
  }
  const preload = join(packageDir, 'conf', 'hsts-preload.json');
  if (!existsSync(preload)) writeFileSync(preload, '{}\n');
}

interface ObservatoryResult {
  scan: {
    grade: string;
    score: number;
    testsFailed: number;
    testsPassed: number;
    testsQuantity: number;
  };
  tests: Record<string, { pass: boolean; result: string; scoreModifier: number }>;
}

ensureObservatory();
const edge = await startEdge();
let failures: string[] = [];
try {
  const host = new URL(edge.origin).host;
  // Run the scanner's own CLI entry (not its wrapper, which would replace NODE_EXTRA_CA_CERTS).
  const scan = spawnSync(process.execPath, [join(packageDir, 'src', 'scan.js'), host], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: edge.ca.caFile },
    encoding: 'utf8',
  });
  console.log(
    `\n=== MDN HTTP Observatory ${OBSERVATORY_VERSION}: ${host}\n${scan.stdout}${scan.stderr}`,
  );
  const result = JSON.parse(scan.stdout) as ObservatoryResult & { error?: string };
  if (result.error) failures.push(`Observatory: ${result.error}`);
  else {
    const { grade, score, testsFailed } = result.scan;
    if (score < 135) failures.push(`Observatory score ${score} < 135`);
    if (grade !== 'A+') failures.push(`Observatory grade ${grade}, not A+`);
    if (testsFailed > 0) {
      const failed = Object.entries(result.tests)
        .filter(([, t]) => !t.pass)
        .map(([name, t]) => `${name} (${t.result})`);
      failures.push(`Observatory failed tests: ${failed.join(', ')}`);
    }
  }

  const csp = (await fetchRaw(`${edge.origin}/`, { ca: edge.ca.caPem })).headers[
    'content-security-policy'
  ];
  const policy = String(csp ?? '');
  const { findings, refused } = judgeCsp(policy);
  console.log(`\n=== csp_evaluator on the served policy\n${policy}\n`);
  console.log(
    findings.length === 0
      ? '(no findings)'
      : findings
          .map(
            (f) => `${f.severity} ${f.directive}${f.value ? ` ${f.value}` : ''}: ${f.description}`,
          )
          .join('\n'),
  );
  if (refused.length > 0)
    failures.push(`csp_evaluator: ${refused.length} finding(s) of a refused severity`);
} catch (error) {
  failures = [...failures, error instanceof Error ? error.message : String(error)];
} finally {
  await edge.stop();
}

console.log(
  failures.length === 0
    ? '\naudit:headers: both judges pass'
    : `\naudit:headers FAILED:\n  ${failures.join('\n  ')}`,
);
process.exit(failures.length === 0 ? 0 : 1);
