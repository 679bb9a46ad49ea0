// Credentials of every supported shape, generated from a fixed seed at run time: the repository
// never holds a string that a secret scanner (ours included) would flag.

export function randomSource(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) as number;
  };
}

const random = randomSource(20240517);
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;

function pick(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[random(alphabet.length)];
  return out;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const jsonPart = (value: object): string =>
  base64url(new TextEncoder().encode(JSON.stringify(value)));
const randomBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => random(256));

function pemBody(bytes: number, width: number): string {
  const b64 = btoa(String.fromCharCode(...randomBytes(bytes)));
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
  return lines.join('\n');
}

export interface SecretSample {
  type: string;
  /** The exact text that must be redacted. */
  secret: string;
  /** A line of text containing it. */
  text: string;
}

function sample(type: string, secret: string, context: (s: string) => string): SecretSample {
  return { type, secret, text: context(secret) };
}

export const pemBlock = (label: string, bytes: number): string =>
  `-----BEGIN ${label}-----\n${pemBody(bytes, 64)}\n-----END ${label}-----`;

export const SAMPLES: readonly SecretSample[] = [
  sample(
    'aws-access-key',
    `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    (s) => `aws_access_key_id = ${s}`,
  ),
  sample(
    'aws-secret-access-key',
    `${pick(ALNUM, 18)}/${pick(ALNUM, 10)}+${pick(ALNUM, 10)}`,
    (s) => `AWS_SECRET_ACCESS_KEY=${s}`,
  ),
  sample(
    'github-pat',
    `ghp_${pick(ALNUM, 36)}`,
    (s) => `git remote set-url origin https://${s}@github.com/acme/web.git`,
  ),
  sample('github-oauth-token', `gho_${pick(ALNUM, 36)}`, (s) => `Authorization: token ${s}`),
  sample(
    'github-app-token',
    `ghs_${pick(ALNUM, 36)}`,
    (s) => `const octokit = new Octokit({ auth: "${s}" });`,
  ),
  sample(
    'github-fine-grained-pat',
    `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`,
    (s) => `GITHUB_TOKEN=${s}`,
  ),
  sample(
    'slack-bot-token',
    `xoxb-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(ALNUM, 24)}`,
    (s) => `SLACK_BOT_TOKEN=${s}`,
  ),
  sample(
    'slack-user-token',
    `xoxp-${pick(DIGITS, 12)}-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick('0123456789abcdef', 32)}`,
    (s) => `"user_token": "${s}"`,
  ),
  sample(
    'slack-webhook-url',
    `https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 8)}/B${pick(UPPER + DIGITS, 10)}/${pick(ALNUM, 24)}`,
    (s) => `curl -X POST -d @msg.json ${s}`,
  ),
  sample(
    'stripe-secret-key',
    `sk_live_${pick(ALNUM, 24)}`,
    (s) => `const stripe = require('stripe')('${s}');`,
  ),
  sample(
    'stripe-secret-key',
    `rk_live_${pick(ALNUM, 99)}`,
    (s) => `For the demo use ${s}, I'll rotate it after.`,
  ),
  sample(
    'openai-api-key',
    `sk-proj-${pick(`${ALNUM}_-`, 74)}T3BlbkFJ${pick(`${ALNUM}_-`, 74)}`,
    (s) => `OPENAI_API_KEY=${s}`,
  ),
  sample(
    'openai-api-key',
    `sk-${pick(ALNUM, 20)}T3BlbkFJ${pick(ALNUM, 20)}`,
    (s) => `my key is ${s} and it fails`,
  ),
  sample(
    'anthropic-api-key',
    `sk-ant-api03-${pick(`${ALNUM}_-`, 93)}AA`,
    (s) => `-H "x-api-key: ${s}"`,
  ),
  sample(
    'gcp-api-key',
    `AIzaSy${pick(`${ALNUM}_-`, 33)}`,
    (s) => `<script src="https://maps.googleapis.com/maps/api/js?key=${s}&callback=init"></script>`,
  ),
  sample(
    'huggingface-token',
    `hf_${pick(LOWER, 17)}${pick(UPPER, 17)}`,
    (s) => `huggingface-cli login --token ${s}`,
  ),
  sample('npm-token', `npm_${pick(ALNUM, 36)}`, (s) => `//registry.npmjs.org/:_authToken=${s}`),
  sample(
    'gitlab-pat',
    `glpat-${pick(`${ALNUM}_-`, 20)}`,
    (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.com/api/v4/projects`,
  ),
  sample(
    'sendgrid-api-key',
    `SG.${pick(`${ALNUM}_-`, 22)}.${pick(`${ALNUM}_-`, 43)}`,
    (s) => `sgMail.setApiKey('${s}');`,
  ),
  sample(
    'jwt',
    `${jsonPart({ alg: 'HS256', typ: 'JWT' })}.${jsonPart({ sub: pick(DIGITS, 8), name: 'Ada' })}.${base64url(randomBytes(32))}`,
    (s) => `Authorization: Bearer ${s}`,
  ),
  sample(
    'private-key',
    pemBlock('RSA PRIVATE KEY', 600),
    (s) => `Here is the deploy key:\n\n${s}\n\nThanks!`,
  ),
  sample(
    'private-key',
    pemBlock('OPENSSH PRIVATE KEY', 300),
    (s) => `$ cat ~/.ssh/id_ed25519\n${s}`,
  ),
  sample(
    'connection-string',
    `${pick(ALNUM, 14)}.${pick(ALNUM, 4)}`,
    (s) => `DATABASE_URL=postgres://app_user:${s}@db.internal:5432/app`, // secret-scan: allow (fake credential)
  ),
  sample(
    'generic-assignment',
    `${pick(ALNUM, 12)}!${pick(ALNUM, 8)}`,
    (s) => `spring.datasource.password=${s}`,
  ),
  sample('generic-assignment', pick('0123456789abcdef', 40), (s) => `{ "client_secret": "${s}" }`),
  sample(
    'generic-assignment',
    `${pick(UPPER, 3)}${pick(DIGITS, 4)}-${pick(LOWER, 5)}`,
    (s) => `Guest wifi: network AcmeGuest, password ${s}`,
  ),
  // Both the AWS rule and the generic one find it: the specific type is the one reported.
  sample(
    'aws-secret-access-key',
    `${pick(ALNUM, 20)}/${pick(ALNUM, 19)}`,
    (s) => `and the secret is ${s}`,
  ),
];

/** A fresh token of the given shape, for tests that need one more. */
export const fakeGithubToken = (): string => `ghp_${pick(ALNUM, 36)}`;
export const fakeCanary = (): string => `BASTION-CANARY-${pick(ALNUM, 24)}`;
