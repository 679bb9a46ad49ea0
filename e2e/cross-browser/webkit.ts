import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type Driver, type SmokeResult, smoke } from './smoke-check.ts';

export const webkitDriverPath = '/usr/bin/WebKitWebDriver';
export const xvfbRunPath = '/usr/bin/xvfb-run';
const miniBrowser = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A minimal W3C WebDriver client over fetch: the few commands a smoke test needs. */
function webdriver(base: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as { value: T & { error?: string; message?: string } };
    if (!res.ok)
      throw new Error(`WebDriver ${method} ${path}: ${json.value.error} ${json.value.message}`);
    return json.value;
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // xvfb-run leads a process group (detached): end the driver, the browser and Xvfb together.
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  });
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver, in a virtual X display. */
export async function smokeWebKit(origin: string): Promise<SmokeResult> {
  const port = await freePort();
  const driverProcess = spawn(xvfbRunPath, ['-a', webkitDriverPath, `--port=${port}`], {
    detached: true,
    stdio: 'ignore',
  });
  const call = webdriver(`http://127.0.0.1:${port}`);
  try {
    let session: { sessionId: string } | undefined;
    for (let i = 0; i < 100 && !session; i++) {
      try {
        session = await call<{ sessionId: string }>('POST', '/session', {
          capabilities: {
            alwaysMatch: {
              'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
            },
          },
        });
      } catch (error) {
        if (!/fetch failed|ECONNREFUSED/.test(String((error as Error).cause ?? error))) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!session) throw new Error('WebKitWebDriver did not start');
    const s = `/session/${session.sessionId}`;
    const driver: Driver = {
      goto: async (url) => void (await call('POST', `${s}/url`, { url })),
      evaluate: (script) => call('POST', `${s}/execute/sync`, { script, args: [] }),
      ask: async (question) => {
        const el = await call<Record<string, string>>('POST', `${s}/element`, {
          using: 'css selector',
          value: '[data-testid="assistant-input"]',
        });
        const id = Object.values(el)[0];
        await call('POST', `${s}/element/${id}/value`, { text: `${question}\uE007` });
      },
    };
    try {
      return await smoke(driver, origin);
    } finally {
      await call('DELETE', s).catch(() => undefined);
    }
  } finally {
    await stop(driverProcess);
  }
}
