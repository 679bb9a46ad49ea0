// `npm run audit:deps` (and a counted check in `npm test`): `npm audit --audit-level=high` over
// every workspace, dev dependencies included. A registry without the advisory endpoint (some
// mirrors answer 405) cannot be checked: that is reported as skipped, never as passed.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

export interface AuditOutcome {
  runner: string;
  passed: number;
  failed: number;
}

interface AuditJson {
  vulnerabilities?: Record<
    string,
    { severity: string; via: Array<string | { title?: string; url?: string }> }
  >;
  statusCode?: number;
  uri?: string;
  message?: string;
}

export function dependencyAudit(): AuditOutcome {
  const run = spawnSync('npm', ['audit', '--audit-level=high', '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let report: AuditJson;
  try {
    report = JSON.parse(run.stdout) as AuditJson;
  } catch {
    console.error(`npm audit produced no report:\n${run.stderr}`);
    return { runner: 'npm audit (no report)', passed: 0, failed: 1 };
  }
  if (!report.vulnerabilities) {
    const why = report.message ?? `exit ${run.status}`;
    console.warn(`npm audit: cannot check dependencies here (${why})`);
    return {
      runner: `npm audit (skipped: ${report.statusCode ?? 'no'} from the registry)`,
      passed: 0,
      failed: 0,
    };
  }
  const serious = Object.entries(report.vulnerabilities).filter(([, v]) =>
    ['high', 'critical'].includes(v.severity),
  );
  for (const [name, v] of serious) {
    const titles = v.via.map((via) => (typeof via === 'string' ? via : `${via.title} ${via.url}`));
    console.error(`npm audit: ${v.severity} ${name}: ${titles.join('; ')}`);
  }
  return serious.length === 0
    ? { runner: 'npm audit (no high or critical advisory)', passed: 1, failed: 0 }
    : { runner: `npm audit (${serious.length} high/critical)`, passed: 0, failed: 1 };
}

if (import.meta.main) {
  const outcome = dependencyAudit();
  console.log(`${outcome.runner}: ${outcome.passed} passed, ${outcome.failed} failed`);
  process.exit(outcome.failed > 0 ? 1 : outcome.passed > 0 ? 0 : 2);
}
