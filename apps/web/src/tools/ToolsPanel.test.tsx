import { type Actor, type ApiDeps, appRouter, createToolRunner } from '@bastion/api';
import { createBastionClient } from '@bastion/api/client';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createSignal } from 'solid-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../../../packages/api/src/testing/git-sandbox.ts';
import ToolsPanel from './ToolsPanel.tsx';

const ADMIN_KEY = 'panel-admin-key-0123456789';

/**
 * The real router and tool runner behind the client's fetch; the bearer token decides the actor,
 * as the host's key check does.
 */
function connectTo(deps: Partial<ApiDeps>) {
  return (apiKey: string) =>
    createBastionClient({
      url: 'http://bastion.test',
      apiKey,
      fetch: async (input, init) =>
        fetchRequestHandler({
          endpoint: '/api/trpc',
          req: new Request(input, init),
          router: appRouter,
          createContext: ({ req }) => {
            const admin = req.headers.get('authorization') === `Bearer ${ADMIN_KEY}`;
            const actor: Actor = admin
              ? { keyId: 'panel-admin', role: 'admin' }
              : { keyId: 'someone', role: 'user' };
            const base = {
              build: { version: '0', build: 'test', startedAt: 0 },
              isReady: () => true,
            };
            return {
              deps: { ...base, adminEnabled: true, ...deps } as ApiDeps,
              requestId: 'r',
              actor,
            };
          },
        }),
    });
}

async function signIn(key: string) {
  const input = screen.getByTestId('tools-api-key') as HTMLInputElement;
  fireEvent.input(input, { target: { value: key } });
  fireEvent.submit(input.form as HTMLFormElement);
}

async function chooseTool(name: string, args: unknown) {
  fireEvent.click(await screen.findByRole('radio', { name: new RegExp(`^${name}`) }));
  const editor = screen.getByTestId('tools-args') as HTMLTextAreaElement;
  fireEvent.input(editor, { target: { value: JSON.stringify(args) } });
}

describe('ToolsPanel', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox({ 'scripts/hello.sh': 'echo "hello from the script"\n' });
  });
  afterEach(cleanup);

  const runner = () =>
    createToolRunner({
      repoRoot: sandbox.repo,
      allowTools: true,
      allowScripts: ['scripts/hello.sh'],
      allowDirty: false,
      allowBehind: false,
      gitBase: 'origin/main',
      auditLogPath: sandbox.auditLog,
    });

  it('shows the refusal reason for a key that is not an admin key', async () => {
    render(() => <ToolsPanel connect={connectTo({ tools: runner() })} />);
    await signIn('not-the-admin-key');
    const error = await screen.findByTestId('tools-error');
    expect(error.dataset.reason).toBe('admin_required');
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('lists the tools for an admin and keeps the key out of storage and the DOM', async () => {
    render(() => <ToolsPanel connect={connectTo({ tools: runner() })} />);
    await signIn(ADMIN_KEY);
    const radios = await screen.findAllByRole('radio');
    expect(radios.map((r) => (r as HTMLInputElement).value)).toEqual([
      'read_file',
      'list_dir',
      'search_repo',
      'git_status',
      'run_script',
    ]);
    expect(document.body.innerHTML).not.toContain(ADMIN_KEY);
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);

    fireEvent.click(screen.getByRole('button', { name: 'Forget key' }));
    expect(await screen.findByTestId('tools-api-key')).toBeTruthy();
  });

  it('opens for the page’s admin session without asking for the key again, and closes on sign-out', async () => {
    const [admin, setAdmin] = createSignal(true);
    const connect = connectTo({ tools: runner() });
    render(() => (
      <ToolsPanel connect={connect} session={{ admin, client: async () => connect(ADMIN_KEY) }} />
    ));
    expect((await screen.findAllByRole('radio')).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('tools-api-key')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Forget key' })).toBeNull();
    setAdmin(false);
    expect(await screen.findByTestId('tools-api-key')).toBeTruthy();
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('runs a tool with JSON arguments and shows its output', async () => {
    render(() => <ToolsPanel connect={connectTo({ tools: runner() })} />);
    await signIn(ADMIN_KEY);
    await chooseTool('read_file', { path: 'README.md' });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    const output = await screen.findByTestId('tools-output');
    expect(output.textContent).toContain('# Sample');
  });

  it('dry-runs and runs an allowlisted script; shows refusals with their reason', async () => {
    render(() => <ToolsPanel connect={connectTo({ tools: runner() })} />);
    await signIn(ADMIN_KEY);
    await chooseTool('run_script', { script: 'scripts/hello.sh' });
    fireEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() =>
      expect(screen.getByTestId('tools-output').textContent).toContain('"dryRun": true'),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() =>
      expect(screen.getByTestId('tools-output').textContent).toContain('hello from the script'),
    );

    await chooseTool('run_script', { script: 'scripts/other.sh' });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect((await screen.findByTestId('tools-error')).dataset.reason).toBe('script_not_allowed');

    fireEvent.input(screen.getByTestId('tools-args'), { target: { value: '{not json' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() =>
      expect(screen.getByTestId('tools-error').dataset.reason).toBe('invalid_json'),
    );
  });
});
