import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor, ApiDeps } from '../../src/context.ts';
import { createCaller } from '../../src/root.ts';
import type { ToolRunner } from '../../src/tools/runner.ts';
import { createSandbox, readAudit, reasonOf, runnerFor, type Sandbox } from './helpers.ts';

const admin: Actor = { keyId: 'admin-1', role: 'admin' };
const user: Actor = { keyId: 'user-1', role: 'user' };
const anonymous: Actor = { keyId: null, role: 'anonymous' };

function callerFor(actor: Actor, deps: Partial<ApiDeps>, requestId = 'req-router') {
  // Only what tools.* reads; chat and the other services are not involved here.
  const base = { build: { version: '0', build: 'test', startedAt: 0 }, isReady: () => true };
  return createCaller({
    deps: { ...base, adminEnabled: true, ...deps } as ApiDeps,
    requestId,
    actor,
  });
}

describe('tools router', () => {
  let sandbox: Sandbox;
  let tools: ToolRunner;

  beforeAll(() => {
    sandbox = createSandbox({ 'scripts/check.sh': 'echo ok\n' });
    tools = runnerFor(sandbox, { allowScripts: ['scripts/check.sh'] });
  });

  it('lists every tool with its JSON Schema and the settings, for admins', async () => {
    const catalog = await callerFor(admin, { tools }).tools.list();
    expect(catalog.tools.map((t) => t.name)).toEqual([
      'read_file',
      'list_dir',
      'search_repo',
      'git_status',
      'run_script',
    ]);
    const readFile = catalog.tools.find((t) => t.name === 'read_file');
    expect(readFile).toMatchObject({
      dangerous: false,
      enabled: true,
      inputSchema: {
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: { path: { type: 'string' }, start_line: { type: 'integer', minimum: 1 } },
      },
    });
    expect(catalog.tools.find((t) => t.name === 'run_script')).toMatchObject({
      dangerous: true,
      enabled: false,
      inputSchema: { required: ['script'], properties: { dry_run: { type: 'boolean' } } },
    });
    expect(catalog).toMatchObject({
      allowTools: false,
      allowScripts: ['scripts/check.sh'],
      gitBase: 'origin/main',
    });
  });

  it('runs a tool for an admin and audits it under the request id and key id', async () => {
    const result = await callerFor(admin, { tools }, 'req-exec-1').tools.exec({
      tool: 'read_file',
      args: { path: 'README.md', end_line: 1 },
    });
    expect(result).toMatchObject({
      tool: 'read_file',
      requestId: 'req-exec-1',
      result: { path: 'README.md', content: '# Sample' },
    });
    expect(readAudit(sandbox.auditLog).find((e) => e.requestId === 'req-exec-1')).toMatchObject({
      actor: 'admin-1',
      role: 'admin',
      tool: 'read_file',
      ok: true,
    });
  });

  it('is for admins only, and off entirely without an admin key', async () => {
    const before = readAudit(sandbox.auditLog).length;
    for (const actor of [user, anonymous]) {
      expect(await reasonOf(callerFor(actor, { tools }).tools.list())).toBe('admin_required');
      const exec = callerFor(actor, { tools }).tools.exec({ tool: 'git_status' });
      expect(await reasonOf(exec)).toBe('admin_required');
    }
    const disabled = callerFor(admin, { tools, adminEnabled: false });
    expect(await reasonOf(disabled.tools.list())).toBe('admin_disabled');
    expect(readAudit(sandbox.auditLog)).toHaveLength(before);
  });

  it('refuses and audits unknown tools, including prototype names', async () => {
    const caller = callerFor(admin, { tools }, 'req-unknown');
    for (const tool of ['rm_rf', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await reasonOf(caller.tools.exec({ tool, args: {} }))).toBe('unknown_tool');
    }
    const audited = readAudit(sandbox.auditLog).filter((e) => e.requestId === 'req-unknown');
    expect(audited.map((e) => e.reason)).toEqual(Array(5).fill('unknown_tool'));
  });

  it('answers dangerous_disabled for run_script while ALLOW_TOOLS is off', async () => {
    const exec = callerFor(admin, { tools }).tools.exec({
      tool: 'run_script',
      args: { script: 'scripts/check.sh', dry_run: true },
    });
    expect(await reasonOf(exec)).toBe('dangerous_disabled');
  });

  it('answers tools_unavailable when the host has no tool runner', async () => {
    expect(await reasonOf(callerFor(admin, {}).tools.list())).toBe('tools_unavailable');
  });
});
