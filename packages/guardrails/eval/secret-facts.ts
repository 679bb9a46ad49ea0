// An independent held-out set for secret redaction, built by another method than the rules and
// than eval/secret-formats.ts: each credential type is one line of facts taken from its
// provider's documentation (literal parts, alphabet and length range of each random part,
// written as a template such as `ghp_<an:36>`), and each example draws its lengths across the
// documented range (edges included), a name and one of seven kinds of context (JSON, YAML, .env,
// shell, URL, log line, Markdown). Types that only their name gives away (an AWS secret key, a
// Datadog key) appear only in named contexts. Hard negatives are the look-alikes a redactor must
// leave alone, in the same contexts and under the same names. Nothing here was used to write or
// tune the rules, and the tests do not read it; the evaluation reports it per type and per class.
// Nothing here is a real credential.
import { random } from '../train/random.ts';

export interface FactCase {
  /** Credential type, or the class of a hard negative. */
  type: string;
  text: string;
  /** The exact substring that must be redacted; null for a hard negative. */
  secret: string | null;
  /** The kind of context the example sits in. */
  context: string;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALPHABETS: Record<string, string> = {
  an: LOWER + UPPER + DIGITS,
  a: LOWER + UPPER,
  u: `${LOWER}${UPPER}${DIGITS}_-`,
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: DIGITS,
  l: LOWER,
  ld: LOWER + DIGITS,
  Ud: UPPER + DIGITS,
  b32: `${UPPER}234567`,
  b64: `${LOWER}${UPPER}${DIGITS}+/`,
  crypt: `./${DIGITS}${UPPER}${LOWER}`,
  pw: `${LOWER}${UPPER}${DIGITS}!#%^*_-`,
  dotted: `${LOWER}${UPPER}${DIGITS}.`,
  azure: `${LOWER}${UPPER}${DIGITS}_~.-`,
};

type Next = () => number;
const int = (next: Next, min: number, max: number): number =>
  min + Math.floor(next() * (max - min + 1));
const draw = (next: Next, alphabet: string, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
};
const uuid = (next: Next): string =>
  [8, 4, 4, 4, 12].map((n) => draw(next, ALPHABETS.h as string, n)).join('-');

/**
 * Expands a template: `<class:n>` or `<class:min-max>` is a random run of the class's alphabet,
 * `<uuid>` a random UUID; anything else is literal. Lengths fall on the range's edges a third of
 * the time each way, since formats are most often misread at their bounds.
 */
function expand(template: string, next: Next): string {
  return template.replace(/<([a-zA-Z0-9]+)(?::(\d+)(?:-(\d+))?)?>/g, (_, cls: string, a, b) => {
    if (cls === 'uuid') return uuid(next);
    const alphabet = ALPHABETS[cls];
    if (alphabet === undefined) throw new Error(`unknown class ${cls}`);
    const min = Number(a);
    const max = b === undefined ? min : Number(b);
    const roll = next();
    const n = roll < 1 / 3 ? min : roll < 2 / 3 ? max : int(next, min, max);
    return draw(next, alphabet, n);
  });
}

/**
 * `[type, template, name]`: the name a credential of the type usually goes by in configuration;
 * a template starting with `=` has no prefix of its own and appears only under its name.
 */
const FACTS: ReadonlyArray<readonly [string, string, string]> = [
  ['aws-access-key-id', 'AKIA<b32:16>', 'AWS_ACCESS_KEY_ID'],
  ['aws-secret-access-key', '=<b64:40>', 'AWS_SECRET_ACCESS_KEY'],
  ['aws-session-token', 'IQoJb3JpZ2luX2Vj<b64:300-600>', 'AWS_SESSION_TOKEN'], // secret-scan: allow (a format, not a key)
  ['github-classic-pat', 'ghp_<an:36>', 'GITHUB_TOKEN'],
  ['github-oauth', 'gho_<an:36>', 'GH_OAUTH_TOKEN'],
  ['github-app-installation', 'ghs_<an:36>', 'GITHUB_APP_TOKEN'],
  ['github-fine-grained', 'github_pat_<an:22>_<an:59>', 'GITHUB_PAT'],
  ['gitlab-pat', 'glpat-<u:20>', 'GITLAB_TOKEN'],
  ['gitlab-runner', 'glrt-<u:20>', 'RUNNER_TOKEN'],
  ['slack-bot', 'xoxb-<d:10-13>-<d:10-13>-<an:24>', 'SLACK_BOT_TOKEN'],
  ['slack-user', 'xoxp-<d:10-13>-<d:10-13>-<d:10-13>-<h:32>', 'SLACK_USER_TOKEN'],
  [
    'slack-webhook',
    'https://hooks.slack.com/services/T<Ud:8-10>/B<Ud:8-10>/<an:24>',
    'SLACK_WEBHOOK_URL',
  ],
  ['stripe-secret', 'sk_live_<an:24-99>', 'STRIPE_SECRET_KEY'],
  ['stripe-restricted', 'rk_live_<an:24-99>', 'STRIPE_RESTRICTED_KEY'],
  ['stripe-webhook-secret', 'whsec_<an:32>', 'STRIPE_WEBHOOK_SECRET'],
  ['openai-project', 'sk-proj-<u:48-156>', 'OPENAI_API_KEY'],
  ['openai-legacy', 'sk-<an:20>T3BlbkFJ<an:20>', 'OPENAI_KEY'],
  ['anthropic', 'sk-ant-api03-<u:93>AA', 'ANTHROPIC_API_KEY'],
  // Every key Google issues starts `AIzaSy` (39 characters in all).
  ['google-api-key', 'AIzaSy<u:33>', 'GOOGLE_API_KEY'],
  ['google-oauth-client-secret', 'GOCSPX-<u:28>', 'GOOGLE_CLIENT_SECRET'],
  ['google-oauth-access-token', 'ya29.<u:60-180>', 'GOOGLE_ACCESS_TOKEN'],
  ['huggingface', 'hf_<a:34>', 'HF_TOKEN'],
  ['npm', 'npm_<an:36>', 'NPM_TOKEN'],
  ['pypi', 'pypi-AgEIcHlwaS5vcmc<u:60-180>', 'PYPI_API_TOKEN'],
  ['rubygems', 'rubygems_<h:48>', 'GEM_HOST_API_KEY'],
  ['nuget', 'oy2<ld:43>', 'NUGET_API_KEY'],
  ['crates-io', 'cio<an:32>', 'CARGO_REGISTRY_TOKEN'],
  ['dockerhub', 'dckr_pat_<u:27>', 'DOCKERHUB_TOKEN'],
  ['doppler-personal', 'dp.pt.<an:43>', 'DOPPLER_TOKEN'],
  ['doppler-service', 'dp.st.prd.<an:43>', 'DOPPLER_SERVICE_TOKEN'],
  ['vault-service', 'hvs.<u:24-120>', 'VAULT_TOKEN'],
  ['vault-batch', 'hvb.<u:100-160>', 'VAULT_BATCH_TOKEN'],
  ['terraform-cloud', '<an:14>.atlasv1.<u:67>', 'TFE_TOKEN'],
  ['mailgun', 'key-<ld:32>', 'MAILGUN_API_KEY'],
  ['mailchimp', '<h:32>-us<d:1-2>', 'MAILCHIMP_API_KEY'],
  ['sendgrid', 'SG.<u:22>.<u:43>', 'SENDGRID_API_KEY'],
  ['brevo', 'xkeysib-<h:64>-<an:16>', 'BREVO_API_KEY'],
  ['telegram-bot', '<d:8-10>:AA<u:33>', 'TELEGRAM_BOT_TOKEN'],
  ['twilio-api-key', 'SK<h:32>', 'TWILIO_API_KEY'],
  ['twilio-auth-token', '=<h:32>', 'TWILIO_AUTH_TOKEN'],
  ['twitch', 'oauth:<ld:30>', 'TWITCH_OAUTH_TOKEN'],
  ['okta', '=00<u:40>', 'OKTA_API_TOKEN'],
  ['salesforce', '00D<an:12-15>!<dotted:80-110>', 'SF_ACCESS_TOKEN'],
  ['sonarqube', 'squ_<h:40>', 'SONAR_TOKEN'],
  [
    'msteams-webhook',
    'https://acme.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/<h:32>/<uuid>',
    'TEAMS_WEBHOOK_URL',
  ],
  ['discord-webhook', 'https://discord.com/api/webhooks/<d:17-19>/<u:68>', 'DISCORD_WEBHOOK_URL'],
  ['shopify', 'shpat_<h:32>', 'SHOPIFY_ACCESS_TOKEN'],
  ['digitalocean', 'dop_v1_<h:64>', 'DIGITALOCEAN_TOKEN'],
  ['atlassian', 'ATATT3<u:180-190>', 'JIRA_API_TOKEN'],
  ['azure-ad-client-secret', '<an:3><d:1>Q~<azure:34>', 'AZURE_CLIENT_SECRET'],
  ['azure-storage-key', '=<b64:86>==', 'AZURE_STORAGE_KEY'],
  ['databricks', 'dapi<h:32>', 'DATABRICKS_TOKEN'],
  ['datadog', '=<h:32>', 'DD_API_KEY'],
  ['newrelic-user', 'NRAK-<Ud:27>', 'NEW_RELIC_API_KEY'],
  ['linear', 'lin_api_<an:40>', 'LINEAR_API_KEY'],
  ['postman', 'PMAK-<h:24>-<h:34>', 'POSTMAN_API_KEY'],
  ['heroku', 'HRKU-AA<u:58>', 'HEROKU_API_KEY'],
  ['grafana-service-account', 'glsa_<an:32>_<h:8>', 'GRAFANA_TOKEN'],
  ['sentry-user', 'sntryu_<h:64>', 'SENTRY_AUTH_TOKEN'],
  ['age-identity', 'AGE-SECRET-KEY-1<Ud:58>', 'AGE_KEY'],
  ['square', 'sq0atp-<u:22>', 'SQUARE_ACCESS_TOKEN'],
  ['dynatrace', 'dt0c01.<Ud:24>.<Ud:64>', 'DT_API_TOKEN'],
  ['airtable', 'pat<an:14>.<h:64>', 'AIRTABLE_TOKEN'],
  ['groq', 'gsk_<an:52>', 'GROQ_API_KEY'],
  ['artifactory', 'AKCp<an:69>', 'ARTIFACTORY_API_KEY'],
  ['segment', 'sgp_<an:64>', 'SEGMENT_TOKEN'],
  ['tailscale', 'tskey-auth-<an:10-12>-<an:30-33>', 'TS_AUTHKEY'],
  ['facebook', 'EAAB<an:150-220>', 'FB_ACCESS_TOKEN'],
  ['supabase', 'sbp_<h:40>', 'SUPABASE_ACCESS_TOKEN'],
  [
    'twitter-bearer',
    'AAAAAAAAAAAAAAAAAAAAA<an:10-14>%2B<an:20-40>%3D<an:40-60>',
    'TWITTER_BEARER_TOKEN',
  ],
  ['bcrypt-hash', '$2b$12$<crypt:53>', 'PASSWORD_HASH'],
  ['sha512crypt-hash', '$6$<crypt:8-16>$<crypt:86>', 'ROOT_HASH'],
];

/** A JSON Web Token: a JSON header and claims, base64url, and a signature. */
function jwt(next: Next): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ alg: 'RS256', kid: draw(next, ALPHABETS.ld as string, 8) });
  const claims = part({ sub: uuid(next), iat: 1_700_000_000 + int(next, 0, 9e7) });
  return `${header}.${claims}.${draw(next, ALPHABETS.u as string, 43)}`;
}

function pem(next: Next, label: string): string {
  const body = draw(next, ALPHABETS.b64 as string, int(next, 300, 1600));
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
}

/** The kinds of context, each with a named form; the bare form only for self-evident formats. */
const CONTEXTS: Record<
  string,
  { named: (name: string, s: string) => string; bare: (s: string) => string }
> = {
  json: {
    named: (name, s) => `{\n  "${name.toLowerCase()}": "${s}",\n  "region": "eu-west-1"\n}`,
    bare: (s) => `{"items": [{"id": 7, "value": "${s}"}]}`,
  },
  yaml: {
    named: (name, s) => `app:\n  ${name.toLowerCase()}: "${s}"\n  replicas: 2\n`,
    bare: (s) => `env:\n  - ${s}\n`,
  },
  env: {
    named: (name, s) => `# production\n${name}=${s}\nLOG_LEVEL=info\n`,
    bare: (s) => `EXTRA_ARGS="--header=${s}"`,
  },
  shell: {
    named: (name, s) => `$ export ${name}='${s}' && ./deploy.sh`,
    bare: (s) => `$ curl -s -H "Authorization: Bearer ${s}" https://api.internal/v2/me`,
  },
  url: {
    named: (name, s) => `GET /hooks/ingest?${name.toLowerCase()}=${s}&format=json HTTP/1.1`,
    bare: (s) => `see ${s} for the endpoint`,
  },
  log: {
    named: (name, s) =>
      `2026-11-03 08:14:22,917 DEBUG config loaded ${name.toLowerCase()}=${s} pid=4121`,
    bare: (s) => `2026-11-03 08:14:22 WARN retrying request with ${s} (attempt 2)`,
  },
  markdown: {
    named: (name, s) => `| setting | value |\n| --- | --- |\n| \`${name}\` | \`${s}\` |`,
    bare: (s) => `Paste it into the field, e.g. \`${s}\`, then press **Save**.`,
  },
};
const CONTEXT_NAMES = Object.keys(CONTEXTS);

/** Whole-text secrets with their own ways of being written. */
function specials(next: Next): Array<[string, string, string, string]> {
  const pw = (): string => draw(next, ALPHABETS.pw as string, int(next, 12, 24));
  const urlpw = (): string => draw(next, ALPHABETS.an as string, int(next, 12, 24));
  const cases: Array<[string, string, string, string]> = [];
  const add = (type: string, context: string, text: string, secret: string): void => {
    cases.push([type, context, text, secret]);
  };
  let s = jwt(next);
  add('jwt', 'shell', `curl -H 'Authorization: Bearer ${s}' https://x.test`, s);
  s = pem(
    next,
    pickOf(next, ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY']),
  );
  add('private-key-pem', 'markdown', `Key for the bastion host:\n\n\`\`\`\n${s}\n\`\`\`\n`, s);
  s = pem(next, 'PRIVATE KEY');
  add(
    'private-key-in-json',
    'json',
    `{"type": "service_account", "private_key": "${s.replaceAll('\n', '\\n')}\\n"}`,
    s.replaceAll('\n', '\\n'),
  );
  s = Buffer.from(pem(next, 'RSA PRIVATE KEY')).toString('base64');
  add('private-key-base64', 'yaml', `apiVersion: v1\nkind: Secret\ndata:\n  tls.key: ${s}\n`, s);
  s = urlpw();
  add(
    'connection-postgres-url',
    'env',
    `DATABASE_URL=postgresql://svc_app:${s}@10.2.0.7:5432/orders?sslmode=require`,
    s,
  );
  s = urlpw();
  add(
    'connection-mongodb-srv',
    'json',
    `{"mongo": "mongodb+srv://reader:${s}@cluster1.x9z.mongodb.net/"}`,
    s,
  );
  s = pw().replaceAll(';', '');
  add(
    'connection-odbc',
    'log',
    `conn=DRIVER={PostgreSQL Unicode};SERVER=db1;PORT=5432;DATABASE=hr;UID=etl;PWD=${s};`,
    s,
  );
  s = pw();
  add(
    'connection-adonet',
    'json',
    `{"ConnectionStrings": {"Main": "Data Source=sql2;Initial Catalog=crm;User ID=crm_rw;Password=${s};"}}`,
    s,
  );
  s = urlpw();
  add(
    'connection-jdbc',
    'yaml',
    `spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app?user=app&password=${s}\n`,
    s,
  );
  s = urlpw();
  add('connection-jdbc-oracle', 'env', `ORACLE_URL=jdbc:oracle:thin:hr/${s}@//ora1:1521/XEPDB1`, s);
  s = pw();
  add('password-ini', 'ini', `[client]\nuser = backup\npassword = ${s}\nhost = 10.0.0.4\n`, s);
  s = pw();
  add('password-toml', 'toml', `[database]\nuser = "svc"\npasswd = "${s}"\n`, s);
  s = pw();
  add(
    'password-xml-attribute',
    'xml',
    `<add key="smtp" user="mailer" password="${s}" port="587" />`,
    s,
  );
  s = pw();
  add('password-properties', 'properties', `db.user=report\ndb.pwd=${s}\n`, s);
  s = pw();
  add('password-yaml', 'yaml', `mysql:\n  user: root\n  password: ${s}\n`, s);
  s = pw();
  add('password-netrc', 'netrc', `machine git.internal login deploy password ${s}\n`, s);
  s = pw();
  add('secret-json', 'json', `{"client_id": "web", "client_secret": "${s}"}`, s);
  return cases;
}

const pickOf = <T>(next: Next, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)] as T;

/** Hard negatives by class: shapes a redactor must not take for credentials. */
const NEGATIVES: Record<string, (next: Next) => string> = {
  sha1: (n) => `sha1sum: ${draw(n, ALPHABETS.h as string, 40)}  backup.tar`,
  sha256: (n) => `"checksum": "sha256:${draw(n, ALPHABETS.h as string, 64)}"`,
  md5: (n) => `MD5 (installer.dmg) = ${draw(n, ALPHABETS.h as string, 32)}`,
  'git-sha': (n) =>
    `* ${draw(n, ALPHABETS.h as string, 40)} Merge pull request #${int(n, 10, 999)}`,
  'short-git-sha': (n) => `fixed in ${draw(n, ALPHABETS.h as string, 7)} (see CHANGELOG)`,
  uuid: (n) => `{"request_id": "${uuid(n)}", "status": 200}`,
  'uuid-as-id': (n) => `TENANT_ID=${uuid(n)}`,
  'iam-policy-arn': (n) =>
    `policy_arn = "arn:aws:iam::aws:policy/${pickOf(n, ['ReadOnlyAccess', 'AmazonS3FullAccess', 'PowerUserAccess'])}"`,
  'role-arn': (n) => `RoleArn: arn:aws:iam::${draw(n, DIGITS, 12)}:role/ci-deployer`,
  'kms-arn': (n) => `kms_key_id: arn:aws:kms:eu-west-1:${draw(n, DIGITS, 12)}:key/${uuid(n)}`,
  'base64-text': (n) =>
    `data: ${Buffer.from(pickOf(n, ['The quick brown fox jumps over the lazy dog.', 'Hello, world! This is a perfectly ordinary sentence.', 'Meeting moved to Thursday at 3pm, room 4B.'])).toString('base64')}`,
  'ssh-public-key': (n) =>
    `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${draw(n, ALPHABETS.b64 as string, 43)} dev@laptop`,
  'pem-public-key': (n) => pem(n, 'PUBLIC KEY'),
  'pem-certificate': (n) => pem(n, 'CERTIFICATE'),
  'age-recipient': (n) => `recipients: age1${draw(n, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}`,
  'stripe-publishable': (n) =>
    `STRIPE_PUBLISHABLE_KEY=pk_live_${draw(n, ALPHABETS.an as string, 24)}`,
  'google-client-id': (n) =>
    `"client_id": "${draw(n, DIGITS, 12)}-${draw(n, ALPHABETS.ld as string, 32)}.apps.googleusercontent.com"`,
  'aws-account-id': (n) => `account_id: "${draw(n, DIGITS, 12)}"`,
  'slack-channel-id': (n) => `channel: C${draw(n, ALPHABETS.Ud as string, 10)}`,
  'twilio-account-sid': (n) => `account_sid: AC${draw(n, ALPHABETS.h as string, 32)}`,
  'placeholder-x': () => 'API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'placeholder-digits': () => 'token: 1234567890',
  'placeholder-words': (n) =>
    pickOf(n, [
      'api_key = "your-api-key-here"',
      'SECRET_KEY=<your-secret-key>',
      'token: <token>',
      '"password": "YOUR_PASSWORD"',
      'password: changeme',
      'client_secret: REPLACE_ME',
    ]),
  'placeholder-template': (n) =>
    pickOf(n, [
      `password: \${DB_PASSWORD}`,
      'DB_PASS=$(cat /run/secrets/db)',
      "password = '%(db_password)s'",
      'api_key: {{ .Values.apiKey }}',
      'secret: "{{ secrets.API_SECRET }}"',
      `token=\${{ secrets.GITHUB_TOKEN }}`,
    ]),
  'placeholder-masked': (n) =>
    pickOf(n, [
      'password: ********',
      'token: sk-...abcd',
      'api_key: "****************3f9a"',
      'secret=•••••••',
    ]),
  'placeholder-sequential': (n) =>
    pickOf(n, [
      'AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD',
      'token: 0123456789abcdef0123456789abcdef',
      'api_key=ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    ]),
  'comment-after-name': () => 'password = # set at deploy time',
  'prose-about-secrets': (n) =>
    pickOf(n, [
      'Rotate the token every 90 days and store the password in the vault.',
      'The API key is sent in the x-api-key header; never log it.',
      'Set the secret in the dashboard, then restart the worker.',
    ]),
  'code-reference': (n) =>
    pickOf(n, [
      'const token = req.headers.authorization?.split(" ")[1];',
      'password = os.environ["DB_PASSWORD"]',
      'apiKey: process.env.OPENAI_API_KEY,',
      'secret := viper.GetString("jwt.secret")',
    ]),
  'version-and-build': (n) =>
    `version: ${int(n, 1, 9)}.${int(n, 0, 40)}.${int(n, 0, 99)}+build.${draw(n, ALPHABETS.h as string, 8)}`,
  'data-uri': (n) =>
    `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUg${draw(n, ALPHABETS.b64 as string, 200)}">`,
  'npm-integrity': (n) => `"integrity": "sha512-${draw(n, ALPHABETS.b64 as string, 86)}=="`,
};

/** Ways to disguise a credential so that it still reads (or decodes) as itself. */
const DISGUISES: Record<string, (secret: string, next: Next) => string> = {
  'zero-width': (s, n) => [...s].map((c, i) => (i > 0 && n() < 0.3 ? `\u200b${c}` : c)).join(''),
  'soft-hyphen': (s) => `${s.slice(0, 6)}\u00ad${s.slice(6, 12)}\u00ad${s.slice(12)}`,
  fullwidth: (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  homoglyph: (s) =>
    s.replace(
      /[aeopcxAEOPCX]/g,
      (c) =>
        ({
          a: 'а',
          e: 'е',
          o: 'о',
          p: 'р',
          c: 'с',
          x: 'х',
          A: 'А',
          E: 'Е',
          O: 'О',
          P: 'Р',
          C: 'С',
          X: 'Х',
        })[c] ?? c,
    ),
  'tag-characters': (s) =>
    [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join(''),
};

export const FACTS_SEED = 20261207;

/** `perType` cases of every type and hard-negative class, from `seed`. */
export function factCases(seed: number, perType: number): FactCase[] {
  const next = random(seed);
  const cases: FactCase[] = [];
  for (const [type, template, name] of FACTS) {
    const named = template.startsWith('=');
    for (let i = 0; i < perType; i++) {
      const secret = expand(named ? template.slice(1) : template, next);
      const context = CONTEXT_NAMES[i % CONTEXT_NAMES.length] as string;
      const form = CONTEXTS[context] as (typeof CONTEXTS)[string];
      // Half of the self-evident formats stand alone, without a name.
      const text = !named && next() < 0.5 ? form.bare(secret) : form.named(name, secret);
      cases.push({ type, text, secret, context });
    }
  }
  for (let i = 0; i < perType; i++) {
    for (const [type, context, text, secret] of specials(next)) {
      cases.push({ type, text, secret, context });
    }
  }
  const selfEvident = FACTS.filter(([, template]) => !template.startsWith('='));
  for (const [kind, disguise] of Object.entries(DISGUISES)) {
    for (let i = 0; i < perType * 2; i++) {
      const [, template] = pickOf(next, selfEvident);
      const secret = disguise(expand(template, next), next);
      const context = CONTEXT_NAMES[i % CONTEXT_NAMES.length] as string;
      const text = (CONTEXTS[context] as (typeof CONTEXTS)[string]).bare(secret);
      cases.push({ type: `disguised/${kind}`, text, secret, context });
    }
  }
  for (const [type, make] of Object.entries(NEGATIVES)) {
    for (let i = 0; i < perType; i++) {
      cases.push({ type, text: make(next), secret: null, context: 'as written' });
    }
  }
  return cases;
}
