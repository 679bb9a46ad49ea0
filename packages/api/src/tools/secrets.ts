import { readFileSync } from 'node:fs';

/** Variables whose values are credentials (`_FILE` forms name a file that holds one). */
const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD/i;
/** Named like a credential but holding none: collection ids per key id. */
const NOT_SECRET = new Set(['API_KEY_COLLECTIONS']);
/** Connection strings that may carry a password. */
const CONNECTION_URLS = ['DATABASE_URL', 'REDIS_URL'];

function fileContent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function urlPassword(value: string): string | null {
  try {
    return decodeURIComponent(new URL(value).password) || null;
  } catch {
    return null;
  }
}

/**
 * The secret values an environment configures, for tools to redact by value: each credential
 * variable's value, the secret of every `id:secret` item of a list (`API_KEYS`), the content
 * of `_FILE` forms, and the passwords in connection URLs.
 */
export function configuredSecrets(env: Record<string, string | undefined>): string[] {
  const found = new Set<string>();
  for (const [name, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value || NOT_SECRET.has(name)) continue;
    if (CONNECTION_URLS.includes(name)) {
      const password = urlPassword(value);
      if (password) found.add(password);
    } else if (SECRET_VARIABLE.test(name)) {
      const secret = name.endsWith('_FILE') ? fileContent(value) : value;
      if (!secret) continue;
      found.add(secret);
      for (const item of secret.split(',')) {
        const colon = item.indexOf(':');
        found.add((colon >= 0 ? item.slice(colon + 1) : item).trim());
      }
    }
  }
  return [...found].filter(Boolean);
}
