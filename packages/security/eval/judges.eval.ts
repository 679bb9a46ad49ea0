// The edge's quality bar (SPEC section 12): MDN HTTP Observatory 135 points / A+ / no failed test
// and csp_evaluator with no refused finding, measured against a local nginx with a test CA.
// Needs the built page (npm run build -w @bastion/web) and Debian's nginx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/audit-headers.ts', import.meta.url));
const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
process.exit(result.status ?? 1);
