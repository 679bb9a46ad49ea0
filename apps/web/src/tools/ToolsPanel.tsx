import type { ToolCatalog, ToolInfo } from '@bastion/api';
import { type BastionClient, createBastionClient, errorReason } from '@bastion/api/client';
import { createEffect, createMemo, createSignal, For, on, Show, untrack } from 'solid-js';
import { AdminSummary } from '../analytics/AdminSummary.tsx';
import { Disclosure } from '../ui/Disclosure.tsx';
import { argsTemplate, parseArgs, supportsDryRun } from './args-template.ts';
import { formatResult } from './format-result.ts';

/** The admin's client: tools, and the analytics summary when the server has it. */
export type ToolsClient = Pick<BastionClient, 'tools'> & Partial<Pick<BastionClient, 'analytics'>>;

/** The page's own session, when it may stand in for the admin key. */
export interface AdminSession {
  /** The page is signed in with an admin key. */
  admin: () => boolean;
  /** The page's client, which calls as the session's actor (its cookie). */
  client: () => Promise<ToolsClient>;
}

export interface ToolsPanelProps {
  /** Builds the client for an admin key (default: this page's server). */
  connect?: (apiKey: string) => ToolsClient;
  /** An admin's session opens the tools without asking for the key again. */
  session?: AdminSession;
}

interface Failure {
  reason: string;
  message: string;
}

function failureOf(error: unknown): Failure {
  return {
    reason: errorReason(error) ?? 'network_error',
    message: error instanceof Error ? error.message : 'The request failed',
  };
}

/**
 * Admin tools: list, dry-run and run with JSON arguments. The admin key lives only inside the
 * client this panel holds in memory; it is never written to storage and is gone on reload.
 */
export default function ToolsPanel(props: ToolsPanelProps) {
  const connect =
    props.connect ?? ((apiKey: string) => createBastionClient({ url: location.origin, apiKey }));
  const [client, setClient] = createSignal<ToolsClient | null>(null);
  const [catalog, setCatalog] = createSignal<ToolCatalog | null>(null);
  const [selectedName, setSelectedName] = createSignal<string | null>(null);
  const [argsText, setArgsText] = createSignal('{}');
  const [output, setOutput] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<Failure | null>(null);
  const [busy, setBusy] = createSignal(false);
  // Connected through the page's admin session rather than a key typed here.
  const [viaSession, setViaSession] = createSignal(false);
  let keyInput: HTMLInputElement | undefined;

  const selected = createMemo(
    () => catalog()?.tools.find((t) => t.name === selectedName()) ?? null,
  );

  const select = (tool: ToolInfo) => {
    setSelectedName(tool.name);
    setArgsText(argsTemplate(tool.inputSchema));
    setOutput(null);
    setFailure(null);
  };

  const open = async (candidate: () => ToolsClient | Promise<ToolsClient>, session: boolean) => {
    setBusy(true);
    setFailure(null);
    try {
      const connected = await candidate();
      setCatalog(await connected.tools.list.query());
      // The tRPC client is a callable proxy: wrap it, or the setter would call it as an updater.
      setClient(() => connected);
      setViaSession(session);
      if (keyInput) keyInput.value = '';
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setBusy(false);
    }
  };
  const signIn = (apiKey: string) => open(() => connect(apiKey), false);

  const forget = () => {
    setClient(null);
    setCatalog(null);
    setSelectedName(null);
    setOutput(null);
    setFailure(null);
    setViaSession(false);
  };

  // Signed in on the page with an admin key: that session opens the tools; signing out closes them.
  // Tried once per sign-in (a failure shows its reason and leaves the key form).
  createEffect(
    on(
      () => props.session?.admin() ?? false,
      (admin) => {
        const session = props.session;
        if (admin && session && !untrack(catalog)) void open(session.client, true);
        else if (!admin && untrack(viaSession)) forget();
      },
    ),
  );

  const run = async (dryRun: boolean) => {
    const tool = selected();
    const current = client();
    if (!tool || !current) return;
    const args = parseArgs(argsText());
    setOutput(null);
    if (!args) {
      setFailure({ reason: 'invalid_json', message: 'Arguments must be a JSON object' });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const call = await current.tools.exec.mutate({
        tool: tool.name,
        args: dryRun ? { ...args, dry_run: true } : args,
      });
      setOutput(formatResult(call));
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="tools-panel" aria-label="Admin tools" aria-busy={busy()}>
      <Show
        when={catalog()}
        fallback={
          <form
            class="tools-key"
            onSubmit={(e) => {
              e.preventDefault();
              const key = keyInput?.value.trim() ?? '';
              if (key) void signIn(key);
            }}
          >
            <label for="tools-api-key">Admin API key</label>
            <input
              id="tools-api-key"
              ref={keyInput}
              data-testid="tools-api-key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
            />
            <button type="submit" disabled={busy()}>
              Connect
            </button>
            <p class="tools-muted">Kept in this page's memory only; reloading forgets it.</p>
          </form>
        }
      >
        {(current) => (
          <>
            <div class="tools-toolbar">
              <span class="tools-muted">
                Repository {current().repoRoot} · base {current().gitBase} · dangerous tools{' '}
                {current().allowTools ? 'allowed' : 'off'}
              </span>
              <Show
                when={!viaSession()}
                fallback={<span class="tools-muted">Signed in as an admin on this page.</span>}
              >
                <button type="button" onClick={forget}>
                  Forget key
                </button>
              </Show>
            </div>
            <Show when={client()?.analytics}>
              {(analytics) => (
                // The operators' analytics summary, asked for only when opened.
                <Disclosure summary="Analytics summary" class="tools-analytics">
                  <AdminSummary fetchSummary={() => analytics().summary.query()} />
                </Disclosure>
              )}
            </Show>
            <fieldset class="tools-list">
              <legend>Tools</legend>
              <For each={current().tools}>
                {(tool) => (
                  <label class="tools-item">
                    <input
                      type="radio"
                      name="tool"
                      value={tool.name}
                      checked={selectedName() === tool.name}
                      onChange={() => select(tool)}
                    />
                    <span>
                      <code>{tool.name}</code>
                      <Show when={tool.dangerous}>
                        <span class="tools-badge">{tool.enabled ? 'dangerous' : 'disabled'}</span>
                      </Show>
                      <span class="tools-muted"> {tool.description}</span>
                    </span>
                  </label>
                )}
              </For>
            </fieldset>
            <Show when={selected()}>
              {(tool) => (
                <form
                  class="tools-run"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run(false);
                  }}
                >
                  <label for="tools-args">
                    Arguments for <code>{tool().name}</code> (JSON)
                  </label>
                  <textarea
                    id="tools-args"
                    data-testid="tools-args"
                    rows={6}
                    spellcheck={false}
                    value={argsText()}
                    onInput={(e) => setArgsText(e.currentTarget.value)}
                  />
                  <div class="tools-actions">
                    <Show when={supportsDryRun(tool().inputSchema)}>
                      <button type="button" disabled={busy()} onClick={() => void run(true)}>
                        Dry run
                      </button>
                    </Show>
                    <button type="submit" disabled={busy()}>
                      Run
                    </button>
                  </div>
                </form>
              )}
            </Show>
          </>
        )}
      </Show>
      <Show when={failure()}>
        {(f) => (
          <p class="tools-error" role="alert" data-testid="tools-error" data-reason={f().reason}>
            <code>{f().reason}</code> {f().message}
          </p>
        )}
      </Show>
      <Show when={output()}>
        {(text) => (
          <pre class="tools-output" data-testid="tools-output">
            {text()}
          </pre>
        )}
      </Show>
    </section>
  );
}
