#!/usr/bin/env node
// `bastion-security build | check | nginx`: see packages/security/README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diffPolicy, policyLines, readBaseline, writeBaseline } from './baseline.ts';
import { buildFiles, buildSecurity, readBuiltCsp } from './build.ts';
import { type HeaderList, securityHeaderNames, securityHeaders } from './headers.ts';
import { type AppLimits, renderNginxConfig } from './nginx.ts';
import { auditNginxHeaders } from './nginx-audit.ts';

const usage = `Usage:
  bastion-security build [--dist DIR]
      SRI, loader, CSP (csp.txt), sri-manifest.json and .security/nginx.conf for a vite build.
  bastion-security check [--dist DIR | --url URL] [--update]
      Fails when the security headers differ from packages/security/policy-baseline.txt.
  bastion-security nginx --upstream HOST:PORT [--upstream HOST:PORT …] --root DIR --listen PORT
      [--tls-listen PORT --tls-cert FILE --tls-key FILE] [--prefix DIR] [--csp-file FILE]
      [--access-log PATH|off] [--error-log PATH] [--out FILE]
      [--llm-total-timeout-ms MS] [--chat-per-minute N] [--trusted-proxies LIST]
      Renders a complete nginx.conf (stdout unless --out). --llm-total-timeout-ms and
      --chat-per-minute: the server's LLM_TOTAL_TIMEOUT_MS and RATE_LIMIT_CHAT (per minute) when
      not its defaults. --trusted-proxies: the proxies in front whose X-Forwarded-For names the
      client (comma list of loopback, linklocal, uniquelocal, IPs, CIDRs; empty or off: none).
`;

function fail(message: string): number {
  process.stderr.write(`bastion-security: ${message}\n`);
  return 1;
}

function build(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { dist: { type: 'string', default: 'dist' } },
  });
  const result = buildSecurity(values.dist);
  process.stdout.write(
    `bastion-security: ${Object.keys(result.sri).length} resources with SRI, ` +
      `${result.inlineScriptHashes.length} inline script hashes; wrote ${result.written.join(', ')}\n` +
      `CSP: ${result.csp}\n`,
  );
  return 0;
}

async function servedHeaders(url: string): Promise<HeaderList> {
  const res = await fetch(url, { redirect: 'manual' });
  const headers: Array<[string, string]> = [];
  for (const name of securityHeaderNames) {
    const value = res.headers.get(name);
    if (value === null) continue;
    // fetch joins repeated headers with ", "; a CSP never contains one, so this means two CSPs.
    if (name === 'content-security-policy' && value.includes(', ')) {
      throw new Error(`${url} sends more than one Content-Security-Policy header`);
    }
    headers.push([name, value]);
  }
  return headers;
}

async function check(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dist: { type: 'string' }, url: { type: 'string' }, update: { type: 'boolean' } },
  });
  let actual: string[];
  let expected = values.update ? [] : readBaseline();
  if (values.url) {
    if (values.update) return fail('--update takes the policy from --dist, not from a URL');
    actual = policyLines(await servedHeaders(values.url));
    if (new URL(values.url).protocol === 'http:') {
      expected = expected.filter((line) => !line.startsWith('strict-transport-security:'));
    }
  } else {
    const dist = resolve(values.dist ?? 'dist');
    const csp = readBuiltCsp(dist);
    if (!csp) return fail(`${join(dist, buildFiles.csp)} is missing; run bastion-security build`);
    actual = policyLines(securityHeaders({ csp, hsts: true }));
  }
  if (values.update) {
    writeBaseline(actual);
    process.stdout.write('bastion-security: baseline updated\n');
    return 0;
  }
  const diff = diffPolicy(expected, actual);
  if (diff.length > 0) {
    return fail(
      `security headers differ from the baseline:\n${diff.join('\n')}\n(bastion-security check --update accepts a deliberate change)`,
    );
  }
  process.stdout.write(
    `bastion-security: security headers match the baseline (${actual.length} headers)\n`,
  );
  return 0;
}

function nginx(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: 'string', multiple: true },
      root: { type: 'string' },
      listen: { type: 'string' },
      'tls-listen': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      prefix: { type: 'string', default: '/tmp/bastion-nginx' },
      'csp-file': { type: 'string' },
      'access-log': { type: 'string' },
      'error-log': { type: 'string' },
      out: { type: 'string' },
      'llm-total-timeout-ms': { type: 'string' },
      'chat-per-minute': { type: 'string' },
      'trusted-proxies': { type: 'string' },
    },
  });
  const { upstream, root, listen } = values;
  const app: Partial<AppLimits> = {};
  for (const [flag, field] of [
    ['llm-total-timeout-ms', 'llmTotalTimeoutMs'],
    ['chat-per-minute', 'chatPerMinute'],
  ] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^[1-9]\d{0,8}$/.test(raw)) return fail(`--${flag} must be a positive whole number`);
    app[field] = Number(raw);
  }
  if (!upstream?.length || !root || !listen) {
    return fail('--upstream, --root and --listen are required');
  }
  const tlsParts = [values['tls-listen'], values['tls-cert'], values['tls-key']];
  if (tlsParts.some(Boolean) && !tlsParts.every(Boolean)) {
    return fail('--tls-listen, --tls-cert and --tls-key go together');
  }
  const cspFile = values['csp-file'] ?? join(root, buildFiles.csp);
  const config = renderNginxConfig({
    upstream,
    root: resolve(root),
    listen,
    csp: readFileSync(cspFile, 'utf8').trim(),
    prefix: values.prefix,
    ...(values['tls-listen']
      ? {
          tls: { listen: values['tls-listen'], cert: values['tls-cert']!, key: values['tls-key']! },
        }
      : {}),
    ...(values['access-log'] ? { accessLog: values['access-log'] } : {}),
    ...(values['error-log'] ? { errorLog: values['error-log'] } : {}),
    app,
    trustedProxies: values['trusted-proxies'] ?? [],
  });
  const problems = auditNginxHeaders(config);
  if (problems.length > 0)
    return fail(`rendered config fails the header audit:\n${problems.join('\n')}`);
  if (values.out) writeFileSync(values.out, config);
  else process.stdout.write(config);
  return 0;
}

const commands: Record<string, (argv: string[]) => number | Promise<number>> = {
  build,
  check,
  nginx,
};

const [name, ...argv] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(usage);
  process.exitCode = name === undefined || name === '--help' || name === '-h' ? 0 : 2;
} else {
  try {
    process.exitCode = await command(argv);
  } catch (error) {
    process.exitCode = fail(error instanceof Error ? error.message : String(error));
  }
}
