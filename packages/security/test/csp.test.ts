import { describe, expect, it } from 'vitest';
import { cspTemplate, hashSources, pageCsp, parseCsp, serializeCsp } from '../src/csp.ts';
import { judgeCsp } from '../src/csp-judge.ts';

const loaderHash = "'sha384-jKryUrtetyqFO9Sprf0He3RM/vIM3jdT+2jn+icXvew4ueF7izTIEFsijm7n+eYx'";
const policy = serializeCsp(pageCsp({ scriptHashes: [loaderHash] }));

describe('page CSP', () => {
  it('locks everything down and trusts scripts by hash only', () => {
    const csp = parseCsp(policy);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual([loaderHash, "'strict-dynamic'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:|data:/);
  });

  it('passes csp_evaluator (default and strict-CSP checks) with nothing of a refused severity', () => {
    const { findings, refused } = judgeCsp(policy);
    expect(refused).toEqual([]);
    // Only advice remains: CSP2-era fallbacks we leave out on purpose, and Trusted Types.
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(['STRICT_CSP', 'INFO']));
    // The judge does refuse a weaker policy.
    expect(judgeCsp("script-src 'self' 'unsafe-inline'").refused.length).toBeGreaterThan(0);
  });

  it('runs no script at all when the build found none to trust', () => {
    expect(parseCsp(serializeCsp(pageCsp({ scriptHashes: [] }))).get('script-src')).toEqual([
      "'none'",
    ]);
  });

  it('blanks hash values for baselines and lists them', () => {
    expect(hashSources(policy)).toEqual([loaderHash]);
    expect(cspTemplate(policy)).toContain("script-src 'sha384-…' 'strict-dynamic'");
  });
});
