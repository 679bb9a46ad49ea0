// Credentials generated from the providers' documented token formats (prefix, alphabet, length),
// set in config files, code, logs and prose, and look-alikes that are not credentials. Each set
// is generated from a seed with its own contexts: the tests read `formatSamples(TUNING)`, the
// evaluation `formatSamples(HELD_OUT)` (other seed, other contexts), so the figures are not
// measured on the strings the rules were checked against. Nothing here is a real credential.
import { random } from '../train/random.ts';

export interface SecretCase {
  /** Provider type, or for a look-alike the kind of look-alike. */
  type: string;
  text: string;
  /** The exact substring that must be redacted; null for a look-alike. */
  secret: string | null;
}

const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALNUM = LOWER + UPPER + DIGITS;
const URLSAFE = `${ALNUM}_-`;
const BASE64 = `${ALNUM}+/`;

type Next = () => number;
const chars = (next: Next, alphabet: string, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
};
const uuid = (next: Next): string =>
  `${chars(next, HEX, 8)}-${chars(next, HEX, 4)}-4${chars(next, HEX, 3)}-a${chars(next, HEX, 3)}-${chars(next, HEX, 12)}`;

/** Each provider's token, from its documented format. */
const FORMATS: Record<string, (next: Next) => string> = {
  'dockerhub-token': (n) => `dckr_pat_${chars(n, URLSAFE, 27)}`,
  'doppler-token': (n) => `dp.pt.${chars(n, ALNUM, 43)}`,
  'vault-token': (n) => `hvs.${chars(n, URLSAFE, 91)}`,
  'mailgun-api-key': (n) => `key-${chars(n, LOWER + DIGITS, 32)}`,
  'telegram-bot-token': (n) => `${chars(n, DIGITS, 9)}:AA${chars(n, URLSAFE, 33)}`,
  'twilio-api-key': (n) => `SK${chars(n, HEX, 32)}`,
  'twitch-oauth-token': (n) => `oauth:${chars(n, LOWER + DIGITS, 30)}`,
  'okta-api-token': (n) => `00${chars(n, URLSAFE, 40)}`,
  'salesforce-access-token': (n) => `00D${chars(n, ALNUM, 12)}!${chars(n, `${ALNUM}.`, 96)}`,
  'sonarqube-token': (n) => `squ_${chars(n, HEX, 40)}`,
  'msteams-webhook-url': (n) =>
    `https://contoso.webhook.office.com/webhookb2/${uuid(n)}@${uuid(n)}/IncomingWebhook/${chars(n, HEX, 32)}/${uuid(n)}`,
  'shopify-token': (n) => `shpat_${chars(n, HEX, 32)}`,
  'sendgrid-api-key': (n) => `SG.${chars(n, URLSAFE, 22)}.${chars(n, URLSAFE, 43)}`,
  'npm-token': (n) => `npm_${chars(n, ALNUM, 36)}`,
  'pypi-token': (n) => `pypi-AgEIcHlwaS5vcmc${chars(n, URLSAFE, 70)}`,
  'gitlab-pat': (n) => `glpat-${chars(n, URLSAFE, 20)}`,
  'digitalocean-token': (n) => `dop_v1_${chars(n, HEX, 64)}`,
  'discord-webhook-url': (n) =>
    `https://discord.com/api/webhooks/${chars(n, DIGITS, 18)}/${chars(n, URLSAFE, 68)}`,
  'atlassian-api-token': (n) =>
    `ATATT3xFfGF0${chars(n, URLSAFE, 170)}=${chars(n, HEX, 8).toUpperCase()}`,
  'azure-ad-client-secret': (n) => `${chars(n, ALNUM, 3)}8Q~${chars(n, `${ALNUM}_~.-`, 34)}`,
  'azure-storage-key': (n) => `${chars(n, BASE64, 86)}==`,
  'databricks-token': (n) => `dapi${chars(n, HEX, 32)}`,
  'datadog-api-key': (n) => chars(n, HEX, 32),
  'newrelic-key': (n) => `NRAK-${chars(n, UPPER + DIGITS, 27)}`,
  'linear-api-key': (n) => `lin_api_${chars(n, ALNUM, 40)}`,
  'postman-api-key': (n) => `PMAK-${chars(n, HEX, 24)}-${chars(n, HEX, 34)}`,
  'heroku-api-key': (n) => `HRKU-AA${chars(n, URLSAFE, 58)}`,
  'grafana-token': (n) => `glsa_${chars(n, ALNUM, 32)}_${chars(n, HEX, 8)}`,
  'sentry-token': (n) => `sntryu_${chars(n, HEX, 64)}`,
  'age-secret-key': (n) => `AGE-SECRET-KEY-1${chars(n, UPPER + DIGITS, 58)}`,
  'square-token': (n) => `sq0atp-${chars(n, URLSAFE, 22)}`,
  'dynatrace-token': (n) =>
    `dt0c01.${chars(n, UPPER + DIGITS, 24)}.${chars(n, UPPER + DIGITS, 64)}`,
  'airtable-token': (n) => `pat${chars(n, ALNUM, 14)}.${chars(n, HEX, 64)}`,
  'groq-api-key': (n) => `gsk_${chars(n, ALNUM, 52)}`,
  'mailchimp-api-key': (n) => `${chars(n, HEX, 32)}-us${1 + Math.floor(n() * 20)}`,
  'github-pat': (n) => `ghp_${chars(n, ALNUM, 36)}`,
  'openai-api-key': (n) => `sk-proj-${chars(n, URLSAFE, 120)}`,
  'stripe-secret-key': (n) => `sk_live_${chars(n, ALNUM, 24)}`,
  'slack-bot-token': (n) =>
    `xoxb-${chars(n, DIGITS, 12)}-${chars(n, DIGITS, 13)}-${chars(n, ALNUM, 24)}`,
  'aws-access-key': (n) => `AKIA${chars(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  'aws-session-token': (n) => `FwoGZXIvYXdz${chars(n, BASE64, 300)}`,
  'google-oauth-client-secret': (n) => `GOCSPX-${chars(n, URLSAFE, 28)}`,
  'google-oauth-access-token': (n) => `ya29.a0${chars(n, URLSAFE, 120)}`,
  'artifactory-token': (n) => `AKCp${chars(n, ALNUM, 69)}`,
  'nuget-api-key': (n) => `oy2${chars(n, LOWER + DIGITS, 43)}`,
  'segment-token': (n) => `sgp_${chars(n, ALNUM, 64)}`,
  'stackhawk-api-key': (n) => `hawk.${chars(n, URLSAFE, 20)}.${chars(n, URLSAFE, 20)}`,
  'supabase-token': (n) => `sbp_${chars(n, HEX, 40)}`,
  'brevo-api-key': (n) => `xkeysib-${chars(n, HEX, 64)}-${chars(n, ALNUM, 16)}`,
  'tailscale-key': (n) => `tskey-api-${chars(n, ALNUM, 12)}-${chars(n, ALNUM, 32)}`,
  'dependency-track-api-key': (n) => `odt_${chars(n, ALNUM, 32)}`,
  'deno-deploy-token': (n) => `ddp_${chars(n, ALNUM, 36)}`,
  'infracost-api-key': (n) => `ico-${chars(n, ALNUM, 32)}`,
  'scalingo-token': (n) => `tk-us-${chars(n, URLSAFE, 48)}`,
  'circleci-token': (n) => `CCIPAT_${chars(n, ALNUM, 22)}_${chars(n, HEX, 40)}`,
  'openshift-token': (n) => `sha256~${chars(n, URLSAFE, 43)}`,
  'amazon-mws-token': (n) => `amzn.mws.${uuid(n)}`,
  'adafruit-io-key': (n) => `aio_${chars(n, ALNUM, 28)}`,
  'facebook-access-token': (n) => `EAAG${chars(n, ALNUM, 180)}`,
  'crates-io-token': (n) => `cio${chars(n, ALNUM, 32)}`,
  'terraform-cloud-token': (n) => `${chars(n, ALNUM, 14)}.atlasv1.${chars(n, URLSAFE, 67)}`,
  'twitter-bearer-token': (n) =>
    `${'A'.repeat(22)}${chars(n, ALNUM, 12)}%2B${chars(n, ALNUM, 30)}%3D${chars(n, ALNUM, 50)}`,
  'password-hash': (n) => `$2y$10$${chars(n, `./${ALNUM}`, 53)}`,
};

/** The secret alone, in a connection string or a config file, and the whole text. */
const CONNECTIONS: Record<string, (next: Next, password: string) => string> = {
  postgres: (n, pw) =>
    `DATABASE_URL=postgres://app_${chars(n, LOWER, 4)}:${pw}@db.internal:5432/app`,
  mysql: (_, pw) => `mysql://root:${pw}@127.0.0.1:3306/shop`, // secret-scan: allow
  mongodb: (_, pw) => `uri = "mongodb+srv://svc:${pw}@cluster0.ab1cd.mongodb.net/prod"`, // secret-scan: allow
  redis: (_, pw) => `REDIS_URL=redis://:${pw}@cache:6379/0`, // secret-scan: allow
  amqp: (_, pw) => `broker_url: amqp://worker:${pw}@rabbit:5672/`, // secret-scan: allow
  odbc: (_, pw) =>
    `Driver={ODBC Driver 18};Server=tcp:sql1,1433;Database=erp;Uid=svc;Pwd=${pw};Encrypt=yes;`,
  adonet: (_, pw) =>
    `"Server=sql1;Database=erp;User Id=sa;Password=${pw};TrustServerCertificate=True"`,
  jdbc: (_, pw) => `jdbc:sqlserver://sql1:1433;databaseName=erp;user=sa;password=${pw};`,
  jdbcQuery: (_, pw) => `spring.datasource.url=jdbc:mysql://db/app?user=app&password=${pw}`,
};

const URL_FORMS = new Set(['postgres', 'mysql', 'mongodb', 'redis', 'amqp', 'jdbcQuery']);

const PASSWORD_FIELDS: Record<string, (pw: string) => string> = {
  yaml: (pw) => `db:\n  host: db.internal\n  password: ${pw}\n`,
  json: (pw) => `{"user": "svc", "password": "${pw}"}`,
  ini: (pw) => `[database]\nuser = svc\npassword = ${pw}`,
  toml: (pw) => `[smtp]\nusername = "mailer"\npassword = "${pw}"`,
  env: (pw) => `SMTP_PASSWORD=${pw}`,
  xml: (pw) => `<datasource><username>svc</username><password>${pw}</password></datasource>`,
};

/** Where a token stands; `{}` is the token. */
const TUNING_CONTEXTS = [
  'TOKEN={}',
  'export API_TOKEN="{}"',
  'config = {"token": "{}"}',
  'curl -H "Authorization: Bearer {}" https://api.example.com/v1/me',
];
const HELD_OUT_CONTEXTS = [
  'services:\n  worker:\n    environment:\n      - SERVICE_SECRET={}\n',
  "client = Client(credential='{}')",
  '2026-03-02T10:11:12Z INFO auth ok credential={} user=42',
  'here is the key you asked for: {} (rotate it after the demo)',
  '[default]\naccess_token = {}\n',
  'steps:\n  - run: deploy --token {}\n',
];

/** Look-alikes that must be left alone. */
const LOOK_ALIKES: Record<string, (next: Next) => string> = {
  'git-sha': (n) => `commit ${chars(n, HEX, 40)}\nAuthor: Dev <dev@example.com>`,
  sha256: (n) => `sha256sum: ${chars(n, HEX, 64)}  release.tar.gz`,
  md5: (n) => `"checksum": "${chars(n, HEX, 32)}"`,
  uuid: (n) => `X-Request-Id: ${uuid(n)}`,
  'iam-policy-arn': () => 'PolicyArn: arn:aws:iam::aws:policy/AdministratorAccess',
  'role-arn': (n) =>
    `role_arn = arn:aws:iam::${chars(n, DIGITS, 12)}:role/deploy-${chars(n, LOWER, 5)}`,
  'twilio-account-sid': (n) => `TWILIO_ACCOUNT_SID=AC${chars(n, HEX, 32)}`,
  'mailgun-public-key': (n) => `public validation key: pubkey-${chars(n, HEX, 32)}`,
  'stripe-publishable': (n) => `STRIPE_PUBLISHABLE_KEY=pk_live_${chars(n, ALNUM, 24)}`,
  'google-client-id': (n) =>
    `client_id: ${chars(n, DIGITS, 12)}-${chars(n, LOWER + DIGITS, 32)}.apps.googleusercontent.com`,
  'docker-digest': (n) => `image: nginx@sha256:${chars(n, HEX, 64)}`,
  'npm-integrity': (n) => `"integrity": "sha512-${chars(n, BASE64, 86)}=="`,
  placeholder: (n) =>
    [
      'API_KEY=xxxxxxxxxxxxxxxxxxxxxxxx',
      'token: <your-api-key>',
      'password: 123456789',
      'password = #add-password',
      `DB_PASSWORD=\${DB_PASSWORD}`,
      'SENDGRID_API_KEY=SG.xxxxxxxx.yyyyyyyy',
      'password: changeme',
      'TELEGRAM_TOKEN=<bot-token-here>',
    ][Math.floor(n() * 8)] as string,
  'secret-reference': () => 'password: {{ .Values.db.password }}',
  'version-string': (n) =>
    `version: ${1 + Math.floor(n() * 9)}.${Math.floor(n() * 30)}.${Math.floor(n() * 99)}`,
  'base64-image': (n) =>
    `background: url(data:image/png;base64,iVBORw0KGgo${chars(n, BASE64, 120)})`,
  'semantic-prose': () => 'Rotate the Vault token and the Docker Hub PAT every 90 days.',
  'slack-channel': (n) => `channel: C${chars(n, UPPER + DIGITS, 10)}`,
};

export const TUNING = { seed: 71, contexts: TUNING_CONTEXTS };
export const HELD_OUT = { seed: 1337, contexts: HELD_OUT_CONTEXTS };

const PASSWORD_ALPHABET = `${ALNUM}!#%^*_-`;
/** What a URL may hold unescaped in its user information or query. */
const URL_PASSWORD_ALPHABET = `${ALNUM}_-.~`;

/** `perType` cases of every provider, connection string and password field, and the look-alikes. */
export function formatSamples(
  set: { seed: number; contexts: readonly string[] },
  perType: number,
): SecretCase[] {
  const next = random(set.seed);
  const cases: SecretCase[] = [];
  for (const [type, make] of Object.entries(FORMATS)) {
    for (let i = 0; i < perType; i++) {
      const secret = make(next);
      const context = set.contexts[Math.floor(next() * set.contexts.length)] as string;
      const named = type.startsWith('datadog')
        ? `DD_API_KEY=${secret}`
        : type.startsWith('azure-storage')
          ? `DefaultEndpointsProtocol=https;AccountName=acme${i};AccountKey=${secret};EndpointSuffix=core.windows.net`
          : type === 'okta-api-token'
            ? `Authorization: SSWS ${secret}`
            : context.replace('{}', secret);
      cases.push({ type, text: named, secret });
    }
  }
  for (const [kind, make] of Object.entries(CONNECTIONS)) {
    for (let i = 0; i < perType; i++) {
      const alphabet = URL_FORMS.has(kind) ? URL_PASSWORD_ALPHABET : PASSWORD_ALPHABET;
      const password = chars(next, alphabet, 12 + Math.floor(next() * 8));
      cases.push({
        type: `connection-string/${kind}`,
        text: make(next, password),
        secret: password,
      });
    }
  }
  for (const [kind, make] of Object.entries(PASSWORD_FIELDS)) {
    for (let i = 0; i < perType; i++) {
      const password = chars(next, PASSWORD_ALPHABET, 12 + Math.floor(next() * 8));
      cases.push({ type: `password-field/${kind}`, text: make(password), secret: password });
    }
  }
  for (let i = 0; i < perType; i++) {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${chars(next, BASE64, 64)}\n${chars(next, BASE64, 64)}\n${chars(next, BASE64, 40)}=\n-----END RSA PRIVATE KEY-----\n`;
    const encoded = Buffer.from(pem).toString('base64');
    cases.push({ type: 'base64-private-key', text: `  tls.key: ${encoded}`, secret: encoded });
  }
  for (const [kind, make] of Object.entries(LOOK_ALIKES)) {
    for (let i = 0; i < perType; i++) cases.push({ type: kind, text: make(next), secret: null });
  }
  return cases;
}

/** Every character of `[start, end)` lies inside some redaction. */
export function covered(
  redactions: ReadonlyArray<{ start: number; end: number }>,
  start: number,
  end: number,
): boolean {
  let at = start;
  for (const r of [...redactions].sort((a, b) => a.start - b.start)) {
    if (r.start <= at && r.end > at) at = r.end;
  }
  return at >= end;
}
