// Whether the name a value is assigned to says "this is a credential": `DB_PASSWORD`,
// `client_secret`, `x-api-key`, `secretAccessKey`, `Authorization`, but not `password_reset_url`,
// `credentialsId`, `public_key`, `keyboard` or `csrf-token`.

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authorization',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  'bearer',
]);

/** Words that make `<word> key` a credential (`api key`, `signing key`, `encryption key`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'encryption',
  'signing',
  'master',
  'client',
  'app',
  'application',
  'license',
  'account',
  'service',
  'shared',
  'session',
  'hmac',
  'jwt',
  'auth',
  'crypto',
  'cipher',
  'aes',
  'ssh',
  'deploy',
  'admin',
  'root',
  'preshared',
  'pre',
  'storage',
  'webhook',
  'consumer',
  'subscription',
  'function',
  'primary',
  'secondary',
]);

/** Names that refer to a credential or describe it without holding it. */
const NOT_A_VALUE = new Set([
  'id',
  'ids',
  'uid',
  'guid',
  'uuid',
  'name',
  'names',
  'url',
  'uri',
  'path',
  'file',
  'filename',
  'dir',
  'length',
  'len',
  'size',
  'type',
  'version',
  'count',
  'field',
  'header',
  'prefix',
  'suffix',
  'format',
  'policy',
  'ref',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'env',
  'var',
  'mode',
  'enabled',
  'hint',
  'label',
  'placeholder',
  'pattern',
  'regex',
  'endpoint',
  'host',
  'port',
  'vault',
  'store',
  'manager',
  'provider',
  'method',
  'algorithm',
  'scheme',
  'scope',
  'hash',
  'public',
  'publishable',
  'csrf',
  'xsrf',
  'nonce',
  'reset',
  'forgot',
  'required',
  'min',
  'max',
  'strength',
  'error',
  'message',
  'timeout',
  'source',
]);

/** Lower-case words of an identifier: `spring.datasource.password`, `secretAccessKey`, `X-API-Key`. */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let word = '';
  const flush = (): void => {
    let end = word.length;
    while (end > 0 && word.charCodeAt(end - 1) >= 48 && word.charCodeAt(end - 1) <= 57) end--;
    if (end > 0) words.push(word.slice(0, end).toLowerCase());
    word = '';
  };
  for (let i = 0; i < key.length; i++) {
    const ch = key[i] as string;
    const code = key.charCodeAt(i);
    const upper = code >= 65 && code <= 90;
    const lowerNext = key.charCodeAt(i + 1) >= 97 && key.charCodeAt(i + 1) <= 122;
    if (ch === '_' || ch === '-' || ch === '.' || ch === '$' || ch === '@') {
      flush();
      continue;
    }
    const prev = key.charCodeAt(i - 1);
    const prevLower = prev >= 97 && prev <= 122;
    const prevUpper = prev >= 65 && prev <= 90;
    if (upper && (prevLower || (prevUpper && lowerNext))) flush();
    word += ch;
  }
  flush();
  return words;
}

/** The words name a credential and nothing says the value is only a reference to one. */
export function namesSecret(words: readonly string[]): boolean {
  if (words.some((w) => NOT_A_VALUE.has(w))) return false;
  return words.some(
    (w, i) => SECRET_WORDS.has(w) || (w === 'key' && KEY_QUALIFIERS.has(words[i - 1] ?? '')),
  );
}

/** Names that may precede their value with a space alone, as in prose or a CLI flag. */
export function namesSecretInProse(words: readonly string[]): boolean {
  const last = words.at(-1) ?? '';
  const before = words.at(-2) ?? '';
  return (
    namesSecret(words) &&
    (['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'token', 'secret', 'bearer'].includes(
      last,
    ) ||
      (last === 'key' && KEY_QUALIFIERS.has(before)))
  );
}

/** A name that says its value is a credential. */
export interface SecretName {
  readonly words: readonly string[];
  /** It may precede its value with a space alone (`password hunter2`, `--token abc`). */
  readonly inProse: boolean;
}

/** What `key` says about its value: a credential (its words) or nothing (null). */
export function secretName(key: string): SecretName | null {
  const words = keyWords(key);
  return namesSecret(words) ? { words, inProse: namesSecretInProse(words) } : null;
}
