import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/index.ts';
import { pemBlock, SAMPLES } from './fake-secrets.ts';

describe('redactSecrets: every supported credential type', () => {
  it.each(SAMPLES.map((s) => [s.type, s] as const))('%s', (_, { type, secret, text }) => {
    const start = text.indexOf(secret);
    const result = redactSecrets(text);
    expect(result.redactions).toEqual([{ type, start, end: start + secret.length }]);
    expect(result.text).toBe(text.replace(secret, `[REDACTED:${type}]`));
    expect(result.text).not.toContain(secret);
  });

  it('reports offsets into the original text when there are several secrets', () => {
    const [a, b, c] = [SAMPLES[0], SAMPLES[9], SAMPLES[19]].map((s) => s?.secret ?? '');
    const text = `first ${a}\nsecond: ${b} and then Bearer ${c} end`;
    const { redactions, text: out } = redactSecrets(text);
    expect(redactions.map((r) => text.slice(r.start, r.end))).toEqual([a, b, c]);
    expect(redactions.map((r) => r.start)).toEqual(
      [...redactions.map((r) => r.start)].sort((x, y) => x - y),
    );
    expect(out).toBe(
      `first [REDACTED:aws-access-key]\nsecond: [REDACTED:stripe-secret-key] and then Bearer [REDACTED:jwt] end`,
    );
  });

  it('leaves text without secrets untouched', () => {
    const text = 'The quick brown fox jumps over the lazy dog. Use `npm ci` then `npm start`.';
    expect(redactSecrets(text)).toEqual({ text, redactions: [] });
  });
});

describe('private keys are removed whole', () => {
  for (const label of [
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
  ]) {
    it(`${label}: BEGIN to END inclusive`, () => {
      const block = pemBlock(label, 400);
      const text = `key follows:\n${block}\nand that was it`;
      expect(redactSecrets(text).text).toBe(
        'key follows:\n[REDACTED:private-key]\nand that was it',
      );
    });
  }

  it('with RFC 1421 headers before the key material', () => {
    const block = pemBlock('RSA PRIVATE KEY', 300).replace(
      'KEY-----\n',
      'KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0F1E2D3C4B5A69788796A5B4C3D2E1F0\n\n',
    );
    expect(redactSecrets(`x ${block} y`).text).toBe('x [REDACTED:private-key] y');
  });

  it('inside a JSON string with escaped line breaks', () => {
    const block = pemBlock('PRIVATE KEY', 300).replaceAll('\n', '\\n');
    const text = `{"type": "service_account", "private_key": "${block}\\n", "client_email": "a@b.c"}`;
    expect(redactSecrets(text).text).toBe(
      '{"type": "service_account", "private_key": "[REDACTED:private-key]\\n", "client_email": "a@b.c"}',
    );
  });

  it('when the END line never comes, through the last line of key material', () => {
    const block = pemBlock('RSA PRIVATE KEY', 300);
    const truncated = block.slice(0, block.indexOf('-----END'));
    const { text } = redactSecrets(`${truncated}\n(output truncated) `);
    expect(text).toBe('[REDACTED:private-key]\n\n(output truncated) ');
  });

  it('but not public keys, certificates or a header with nothing behind it', () => {
    for (const text of [
      pemBlock('PUBLIC KEY', 270),
      pemBlock('CERTIFICATE', 600),
      '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
      'Your key file starts with -----BEGIN OPENSSH PRIVATE KEY----- and ends with a matching line.',
    ]) {
      expect(redactSecrets(text).redactions).toEqual([]);
    }
  });
});

describe('look-alikes that are not secrets are kept', () => {
  const negatives: Record<string, string[]> = {
    'documentation examples': [
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    'code that reads a credential from elsewhere': [
      'const client = createClient({ apiKey: process.env.BASTION_KEY });',
      'firstTokenMs: e.LLM_FIRST_TOKEN_TIMEOUT_MS,',
      "apiKey: options.apiKey ?? 'no-key',",
      'secret = settings.SECRET_KEY',
    ],
    'Markdown prose that lists key names in code spans': [
      'Names such as `password`, `api_key`, `client_secret`, `Authorization: Bearer …` are credentials.',
    ],
    'lists of names assigned to key-named settings': [
      "API_KEY_COLLECTIONS: 'alice:docs,faq'",
      'API_KEY_COLLECTIONS=web:docs,faq;cli:docs',
    ],
    placeholders: [
      'OPENAI_API_KEY=replace-with-your-key',
      'SLACK_BOT_TOKEN=xoxb-your-token-here',
      'password: <YOUR_DB_PASSWORD>',
      'apiKey: {{ .Values.billing.apiKey }}',
      'GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      'SESSION_SECRET=please-change-me',
      'HF_TOKEN=hf_put_your_token_here',
    ],
    'references to a secret store': [
      'api_key = os.environ["ANTHROPIC_API_KEY"]',
      'const client = new Stripe(process.env.STRIPE_SECRET_KEY!);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell and a CI placeholder, as written in config files
      'DB_PASSWORD: ${DB_PASSWORD}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
      'token: ${{ secrets.NPM_TOKEN }}',
      'password = getpass.getpass("Password: ")',
      'secretKeyRef:\n  name: orders-db\n  key: password',
    ],
    'masked values': [
      'Token: ghp_****************************a1b2',
      'connecting to mysql://shop:******@10.0.0.5:3306/shop',
      'OPENAI_API_KEY=sk-proj-...9xQz (last four shown)',
      '{"apiKey": "••••••••••••"}',
    ],
    identifiers: [
      'request 3f2b9c1e-8d4a-4e6b-9f0a-2c7d5e8b1a34 failed with 502',
      'credentialsId: "6b1f0c2e-5a7d-4c3b-8e9f-0d1a2b3c4d5e"',
      'git cherry-pick 9fceb02d0ae598e95dc970b74767f19372d61af8',
      '"integrity": "sha512-q1mRB7yPz3bhUQIf9xWzRzEo5JrLtb+d6cOqNkXcT+uM0YtgL/vQ2bVeYW8kH7Q3yH1p0a9sD8fE2gH4jK6lMw=="',
      'FROM python:3.12-slim@sha256:4c7f1d9e2b8a6f3c5e0d7b9a1c3e5f7092b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2',
      '"version": "10.14.2-beta.3",',
    ],
    'public by design': [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2XqYk9Ff0uPpW3tL7sVb1mJ0eN8cR4dA6hQ2zX5yUo dev@laptop',
      "const stripe = Stripe('pk_live_51AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij');",
      'GOOGLE_CLIENT_ID=123456789012-abcdefghijklmnop0123456789qrstuv.apps.googleusercontent.com',
    ],
    prose: [
      'Never paste your API key into a chat; rotate the secret key if you did.',
      'The password reset link expires after 30 minutes.',
      'Our password policy: at least 12 characters and a number.',
    ],
    'anti-forgery tokens and names of keys': [
      'csrf-token=q3Jz1VbX9kLmN2pR5tW8yA0cE4gH6jK7',
      'key_vault_name = "prod-kv-9f2a1"',
      'secret_length = X25519.secret_length',
    ],
  };
  for (const [kind, texts] of Object.entries(negatives)) {
    it(kind, () => {
      for (const text of texts) expect(redactSecrets(text).redactions, text).toEqual([]);
    });
  }
});

describe('generic assignments', () => {
  it.each([
    ['an .env line', 'ADMIN_PASSWORD=Vq7!kP2#xL9mR4tW', 'Vq7!kP2#xL9mR4tW'], // secret-scan: allow (fake credential)
    ['YAML', 'redis:\n  password: "h4Xk9Lm2Qp7Rt5Zw"', 'h4Xk9Lm2Qp7Rt5Zw'], // secret-scan: allow (fake credential)
    ['JSON', '{"api_secret": "Zf3D0LqW8vN2xK7mR4tY9pB1"}', 'Zf3D0LqW8vN2xK7mR4tY9pB1'], // secret-scan: allow (fake credential)
    [
      'a call with a default',
      'os.getenv("api_token", "7c9e6679-7425-40de-944b-e07fc1f90ae7")', // secret-scan: allow (fake credential)
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    ],
    ['a CLI flag', 'mysql --password Tr0ub4dor-3x7 -u root', 'Tr0ub4dor-3x7'], // secret-scan: allow (fake credential)
    ['basic auth', 'Authorization: Basic dXNlcjpQQHNzdzByZDEyMzQ=', 'dXNlcjpQQHNzdzByZDEyMzQ='], // secret-scan: allow (fake credential)
    ['Go', 'password:=Xk39dLq2vPzW', 'Xk39dLq2vPzW'], // secret-scan: allow (fake credential)
    ['an arrow', 'password => "Xk39dLq2vPzW"', 'Xk39dLq2vPzW'], // secret-scan: allow (fake credential)
  ])('%s', (_, text, secret) => {
    const { redactions } = redactSecrets(text);
    expect(redactions.map((r) => text.slice(r.start, r.end))).toEqual([secret]);
  });
});

describe('Google API keys', () => {
  const key = SAMPLES.find((s) => s.type === 'gcp-api-key')?.secret ?? '';

  it('are redacted wherever they stand, a bare one on its own line too (fail closed)', () => {
    for (const text of [
      key,
      `  "${key}",`,
      `The key from the docs:\n\n${key}\n`,
      `const firebaseConfig = { apiKey: "${key}" };`,
      `GOOGLE_MAPS_API_KEY=${key}`,
      `Here is my Maps key:\n${key}`,
      `${key} is the production key`,
      `curl "https://generativelanguage.googleapis.com/v1/models?key=${key}"`,
    ]) {
      expect(redactSecrets(text).text, text).toBe(text.replace(key, '[REDACTED:gcp-api-key]'));
    }
  });
});

describe('values that only look like code references are still secrets', () => {
  it('redacts a random password with a dot, and mixed-case random segments', () => {
    for (const value of ['ZvRH9g7ypoHoJd.iDUi', 'qW3rTy9Zx.Lm4Np8Vb']) {
      const text = `DB_PASSWORD=${value}`;
      expect(redactSecrets(text).text).not.toContain(value);
    }
  });
});

describe('names in code', () => {
  it('leaves a dotted name after a credential keyword alone, and still redacts a value', () => {
    const code = 'function codeBlock(token: Tokens.Code) { const key = config.apiKey; }';
    expect(redactSecrets(code).redactions).toEqual([]);
    expect(redactSecrets('token: Xk9.q2Lm8-Zp4Rw7Tn').redactions).toHaveLength(1); // secret-scan: allow
  });
});
