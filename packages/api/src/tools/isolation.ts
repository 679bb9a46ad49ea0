import { spawn } from 'node:child_process';

/**
 * `unshare` flags that run a script as the first process of a new PID namespace with its own
 * /proc: the script sees no process outside it (the server's /proc entries included), and when
 * it exits or is killed the kernel kills everything left in the namespace — children that
 * called setsid or double-forked too. `--kill-child` ties the namespace to unshare itself.
 * As root the namespace is enough; otherwise a user namespace maps the caller's uid.
 */
const NAMESPACE_FLAGS = [
  ['--pid', '--fork', '--kill-child', '--mount-proc'],
  ['--user', '--map-root-user', '--pid', '--fork', '--kill-child', '--mount-proc'],
];

function works(command: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn(command[0] as string, [...command.slice(1), 'true'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const timer = setTimeout(() => probe.kill('SIGKILL'), 5_000);
    probe.once('error', () => resolve(false));
    probe.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

let probed: Promise<string[] | null> | undefined;

/**
 * The command prefix that starts a program in its own PID namespace, or null where the system
 * allows none (no util-linux `unshare`, namespaces disabled): scripts then run in their own
 * process group and session, and are found by a marker in their environment (`process.ts`).
 */
export function namespacePrefix(): Promise<string[] | null> {
  probed ??= (async () => {
    if (process.platform !== 'linux') return null;
    for (const flags of NAMESPACE_FLAGS) {
      const prefix = ['unshare', ...flags, '--'];
      if (await works(prefix)) return prefix;
    }
    return null;
  })();
  return probed;
}
