// Scans every file git tracks with Bastion's own secret detector; exits 1 on any finding.
// Prints where and what kind, never the value. A deliberate fake credential (a test fixture) is
// allowed by writing `secret-scan: allow` on its line, so each exception is visible in review.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '@bastion/guardrails';

const root = new URL('..', import.meta.url).pathname;
const MAX_BYTES = 2 * 1024 * 1024;
const ALLOW = 'secret-scan: allow';

const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);

let findings = 0;
let scanned = 0;
for (const file of files) {
  const path = join(root, file);
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_BYTES) continue;
    bytes = readFileSync(path);
  } catch {
    continue; // deleted in the work tree
  }
  if (bytes.includes(0)) continue; // binary
  scanned += 1;
  const text = bytes.toString('utf8');
  for (const r of redactSecrets(text).redactions) {
    const lineStart = text.lastIndexOf('\n', r.start - 1) + 1;
    const lineEnd = text.indexOf('\n', r.end);
    if (text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).includes(ALLOW)) continue;
    const line = text.slice(0, r.start).split('\n').length;
    console.log(`${file}:${line}: ${r.type}`);
    findings += 1;
  }
}
console.log(
  `secret scan: ${scanned} tracked files, ${findings} finding${findings === 1 ? '' : 's'}`,
);
process.exit(findings === 0 ? 0 : 1);
