import { readFileSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import type { Actor } from '../../src/context.ts';
import { createSandbox as createGitSandbox, type Sandbox } from '../../src/testing/git-sandbox.ts';
import type { AuditEntry } from '../../src/tools/audit.ts';
import { createToolRunner, type ToolRunner } from '../../src/tools/runner.ts';
import type { ToolSettings } from '../../src/tools/tool.ts';

export { git, type Sandbox, writeFile } from '../../src/testing/git-sandbox.ts';

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sandbox of sandboxes.splice(0)) rmSync(sandbox.base, { recursive: true, force: true });
});

/** A git sandbox (see git-sandbox.ts), removed when the test file's tests are done. */
export function createSandbox(files?: Record<string, string>): Sandbox {
  const sandbox = createGitSandbox(files);
  sandboxes.push(sandbox);
  return sandbox;
}

export function runnerFor(sandbox: Sandbox, settings: Partial<ToolSettings> = {}): ToolRunner {
  return createToolRunner({
    repoRoot: sandbox.repo,
    allowTools: false,
    allowScripts: [],
    allowDirty: false,
    allowBehind: false,
    gitBase: 'origin/main',
    auditLogPath: sandbox.auditLog,
    ...settings,
  });
}

/** A well-formed, random-looking AWS key id, assembled here so no key sits in the source. */
export const FAKE_AWS_KEY = ['AKIA', 'Z7Q3MBXK2LRT4PWN'].join('');

export const adminActor: Actor = { keyId: 'admin-1', role: 'admin' };

let requests = 0;
export function caller(actor: Actor = adminActor) {
  return { requestId: `req-${++requests}`, actor };
}

export function readAudit(path: string): AuditEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEntry);
}

/** The stable reason of a rejected call. */
export async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { cause?: { reason?: string } }).cause?.reason ?? `no reason: ${error}`;
  }
  throw new Error('expected the call to be refused');
}
