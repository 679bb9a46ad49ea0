import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Variables whose values are credentials: API keys (`API_KEYS`, `ADMIN_API_KEYS`, the providers'
 * keys) and connection strings that may carry a password.
 */
const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD|^DATABASE_URL$|^REDIS_URL$/i;
/** Where the re-executed server finds the secrets its first image read (a private file). */
const HANDOFF = 'BASTION_SECRETS_HANDOFF';
const FOLDER_PREFIX = 'bastion-secrets-';

type Env = Record<string, string | undefined>;

/**
 * The environment the server configures itself from, with every credential removed from the
 * process's own environment. Deleting from `process.env` is not enough on Linux: any process of
 * the same user reads the environment a program was started with in /proc/<pid>/environ, and
 * that block never changes. So when credentials are present the server writes them to a private
 * file (0600 in a fresh 0700 folder) and re-executes itself (same pid, `process.execve`) with an
 * environment that lacks them; the new image reads the file, deletes it, and goes on. Children
 * (tools, git) can then find no credential in the server's environment, old or new.
 */
export function environmentWithoutSecrets(): Env {
  const handoff = process.env[HANDOFF];
  if (handoff) {
    delete process.env[HANDOFF];
    try {
      return { ...process.env, ...(JSON.parse(readFileSync(handoff, 'utf8')) as Env) };
    } finally {
      // Only a folder this module made goes with the file (the variable could name any path).
      rmSync(handoff, { force: true });
      if (basename(dirname(handoff)).startsWith(FOLDER_PREFIX)) {
        rmSync(dirname(handoff), { recursive: true, force: true });
      }
    }
  }
  const names = Object.keys(process.env).filter(
    (name) => SECRET_VARIABLE.test(name) && !name.endsWith('_FILE'),
  );
  const env: Env = { ...process.env };
  if (names.length === 0) return env;
  for (const name of names) delete process.env[name];
  if (typeof process.execve !== 'function' || process.platform === 'win32') return env;

  // Where no private file can be written (a read-only temp folder) the server still starts,
  // with the credentials gone from process.env though not from its first environment block.
  let folder: string | undefined;
  try {
    folder = mkdtempSync(join(tmpdir(), FOLDER_PREFIX));
    const file = join(folder, 'env.json');
    writeFileSync(file, JSON.stringify(Object.fromEntries(names.map((n) => [n, env[n]]))), {
      mode: 0o600,
    });
    const clean = { ...process.env, [HANDOFF]: file } as Record<string, string>;
    const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
    process.execve(process.execPath, argv, clean);
  } catch {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
  return env;
}
