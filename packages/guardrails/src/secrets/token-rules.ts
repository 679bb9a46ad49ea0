import { Buffer } from 'node:buffer';
import { type CharSet, charSet, inSet, runEnd } from '../chars.ts';
import { re } from '../patterns.ts';
import { isFakeToken } from './placeholders.ts';
import { holdFrom, type ScanContext } from './scan-context.ts';

/**
 * A credential recognisable by its own shape: a fixed prefix, a character set and a length. The
 * token is the maximal run of `body` characters from the prefix; it must not touch an `edge`
 * character on either side (so a key glued inside a longer identifier is not one).
 */
interface TokenRule {
  prefixes: readonly string[];
  body: CharSet;
  edge: CharSet;
  maxLength: number;
  /** Anchored; checks the exact format once the token is cut out. */
  shape: RegExp;
  type: (token: string) => string;
  /** Random letter-only tokens mix cases; a single-case run of letters is a word or a name. */
  mixedCase?: boolean;
  /** Runs of one letter are part of the format, so the filler check does not apply. */
  filledByFormat?: boolean;
  /** A check the shape cannot express. */
  valid?: (token: string) => boolean;
}

const ALNUM = charSet('A-Za-z0-9');
const WORD = charSet('A-Za-z0-9_');
const DASHED = charSet('A-Za-z0-9_-');

const fixed = (type: string) => (): string => type;

const GITHUB_TYPES: Record<string, string> = {
  p: 'github-pat',
  o: 'github-oauth-token',
  u: 'github-app-token',
  s: 'github-app-token',
  r: 'github-refresh-token',
};

function slackType(token: string): string {
  if (token.startsWith('xoxb-')) return 'slack-bot-token';
  if (token.startsWith('xoxp-') || token.startsWith('xoxe-')) return 'slack-user-token';
  if (token.startsWith('xoxe.')) return 'slack-config-token';
  if (token.startsWith('xapp-')) return 'slack-app-token';
  return 'slack-token';
}

/**
 * Providers whose tokens carry a documented prefix (gitleaks, Nosey Parker and trufflehog list the
 * same facts): `[type, prefixes, shape]`, the shape anchored and beginning with one of the
 * prefixes. The body is letters, digits, `_` and `-` (and `.` where the shape has one); the
 * longest token is the shape's.
 */
const PROVIDERS: ReadonlyArray<readonly [string, readonly string[], RegExp, number]> = [
  [
    'dockerhub-token',
    ['dckr_pat_', 'dckr_oat_'],
    re(/^dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40}$/),
    49,
  ],
  [
    'doppler-token',
    ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    re(/^dp\.(?:pt|sa|ct|scim|audit|st(?:\.[a-z0-9_-]{2,35})?)\.[A-Za-z0-9]{40,44}$/),
    90,
  ],
  ['vault-token', ['hvs.', 'hvb.', 'hvr.'], re(/^hv[sbr]\.[A-Za-z0-9_-]{24,300}$/), 304],
  ['mailgun-api-key', ['key-'], re(/^key-[0-9a-z]{32}$/), 36],
  ['twilio-api-key', ['SK'], re(/^SK[0-9a-f]{32}$/), 34],
  ['twitch-oauth-token', ['oauth:'], re(/^oauth:[a-z0-9]{30}$/), 36],
  ['sonarqube-token', ['squ_', 'sqp_', 'sqa_'], re(/^sq[upa]_[0-9a-f]{40}$/), 44],
  [
    'shopify-token',
    ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    re(/^shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}$/),
    38,
  ],
  ['pypi-token', ['pypi-Ag'], re(/^pypi-Ag[A-Za-z0-9_-]{50,300}$/), 307],
  ['digitalocean-token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], re(/^do[por]_v1_[0-9a-f]{64}$/), 71],
  ['atlassian-api-token', ['ATATT3', 'ATCTT3'], re(/^AT[AC]TT3[A-Za-z0-9_=-]{150,250}$/), 256],
  ['bitbucket-app-password', ['ATBB'], re(/^ATBB[A-Za-z0-9]{32}$/), 36],
  ['databricks-token', ['dapi'], re(/^dapi[0-9a-f]{32}(?:-[0-9])?$/), 38],
  [
    'newrelic-key',
    ['NRAK-', 'NRJS-', 'NRII-'],
    re(/^NR(?:AK-[A-Z0-9]{27}|JS-[0-9a-f]{19}|II-[A-Za-z0-9_-]{32})$/),
    37,
  ],
  [
    'linear-api-key',
    ['lin_api_', 'lin_oauth_'],
    re(/^lin_(?:api_[A-Za-z0-9]{40}|oauth_[0-9a-f]{64})$/),
    74,
  ],
  ['postman-api-key', ['PMAK-'], re(/^PMAK-[0-9a-f]{24}-[0-9a-f]{34}$/), 64],
  ['heroku-api-key', ['HRKU-'], re(/^HRKU-[A-Za-z0-9_-]{60}$/), 65],
  [
    'grafana-token',
    ['glsa_', 'glc_'],
    re(/^gl(?:sa_[A-Za-z0-9]{32}_[0-9a-f]{8}|c_[A-Za-z0-9_=-]{32,400})$/),
    404,
  ],
  [
    'sentry-token',
    ['sntrys_', 'sntryu_'],
    re(/^sntry(?:s_[A-Za-z0-9_=-]{60,400}|u_[0-9a-f]{64})$/),
    407,
  ],
  ['age-secret-key', ['AGE-SECRET-KEY-1'], re(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/), 74],
  ['pulumi-token', ['pul-'], re(/^pul-[0-9a-f]{40}$/), 44],
  [
    'square-token',
    ['sq0atp-', 'sq0csp-'],
    re(/^(?:sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})$/),
    50,
  ],
  ['dynatrace-token', ['dt0c01.'], re(/^dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/), 96],
  [
    'notion-token',
    ['secret_', 'ntn_'],
    re(/^(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})$/),
    50,
  ],
  ['contentful-token', ['CFPAT-'], re(/^CFPAT-[A-Za-z0-9_-]{43}$/), 49],
  ['figma-token', ['figd_'], re(/^figd_[A-Za-z0-9_-]{40}$/), 45],
  [
    'planetscale-token',
    ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'],
    re(/^pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}$/),
    77,
  ],
  ['prefect-token', ['pnu_'], re(/^pnu_[A-Za-z0-9]{36}$/), 40],
  ['rubygems-token', ['rubygems_'], re(/^rubygems_[0-9a-f]{48}$/), 57],
  ['replicate-token', ['r8_'], re(/^r8_[A-Za-z0-9]{37}$/), 40],
  ['groq-api-key', ['gsk_'], re(/^gsk_[A-Za-z0-9]{52}$/), 56],
  ['perplexity-api-key', ['pplx-'], re(/^pplx-[A-Za-z0-9]{48}$/), 53],
  ['xai-api-key', ['xai-'], re(/^xai-[A-Za-z0-9]{80}$/), 84],
  [
    'langsmith-api-key',
    ['lsv2_pt_', 'lsv2_sk_'],
    re(/^lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}$/),
    51,
  ],
  ['flyio-token', ['fo1_'], re(/^fo1_[A-Za-z0-9_-]{43}$/), 47],
  ['clojars-token', ['CLOJARS_'], re(/^CLOJARS_[a-z0-9]{60}$/), 68],
  [
    'duffel-token',
    ['duffel_test_', 'duffel_live_'],
    re(/^duffel_(?:test|live)_[A-Za-z0-9_-]{43}$/),
    55,
  ],
  ['easypost-api-key', ['EZAK', 'EZTK'], re(/^EZ[AT]K[A-Za-z0-9]{54}$/), 58],
  [
    'flutterwave-secret-key',
    ['FLWSECK_TEST-', 'FLWSECK-'],
    re(/^FLWSECK(?:_TEST)?-[0-9a-f]{32}-X$/),
    47,
  ],
  ['frameio-token', ['fio-u-'], re(/^fio-u-[A-Za-z0-9_=-]{64}$/), 70],
  ['adobe-client-secret', ['p8e-'], re(/^p8e-[A-Za-z0-9]{32}$/), 36],
  ['alibaba-access-key', ['LTAI'], re(/^LTAI[A-Za-z0-9]{20}$/), 24],
  ['readme-api-key', ['rdme_'], re(/^rdme_[0-9a-z]{70}$/), 75],
  ['shippo-token', ['shippo_live_', 'shippo_test_'], re(/^shippo_(?:live|test)_[0-9a-f]{40}$/), 52],
  ['typeform-token', ['tfp_'], re(/^tfp_[A-Za-z0-9_.=-]{59}$/), 63],
  ['airtable-token', ['pat'], re(/^pat[A-Za-z0-9]{14}\.[0-9a-f]{64}$/), 82],
  [
    'mapbox-secret-token',
    ['sk.eyJ'],
    re(/^sk\.eyJ[A-Za-z0-9_-]{40,120}\.[A-Za-z0-9_-]{20,30}$/),
    160,
  ],
  ['cloudflare-origin-ca-key', ['v1.0-'], re(/^v1\.0-[0-9a-f]{24}-[0-9a-f]{146}$/), 176],
  ['pinecone-api-key', ['pcsk_'], re(/^pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{60,70}$/), 80],
  ['google-oauth-client-secret', ['GOCSPX-'], re(/^GOCSPX-[A-Za-z0-9_-]{28}$/), 35],
  ['google-oauth-access-token', ['ya29.'], re(/^ya29\.[A-Za-z0-9_.-]{30,2048}$/), 2053],
  ['artifactory-token', ['AKCp'], re(/^AKCp[A-Za-z0-9]{69}$/), 73],
  ['artifactory-token', ['cmVmdGtu'], re(/^cmVmdGtu[A-Za-z0-9]{56}$/), 64],
  ['nuget-api-key', ['oy2'], re(/^oy2[a-z0-9]{43}$/), 46],
  ['segment-token', ['sgp_'], re(/^sgp_[A-Za-z0-9]{64}$/), 68],
  ['stackhawk-api-key', ['hawk.'], re(/^hawk\.[A-Za-z0-9_-]{20}\.[A-Za-z0-9_-]{20}$/), 46],
  [
    'supabase-token',
    ['sbp_', 'sb_secret_'],
    re(/^(?:sbp_[0-9a-f]{40}|sb_secret_[A-Za-z0-9_-]{24,64})$/),
    74,
  ],
  [
    'brevo-api-key',
    ['xkeysib-', 'xsmtpsib-'],
    re(/^x(?:keysib|smtpsib)-[0-9a-f]{64}-[A-Za-z0-9]{16}$/),
    90,
  ],
  [
    'tailscale-key',
    ['tskey-'],
    re(/^tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{6,30}-[A-Za-z0-9]{16,64}$/),
    110,
  ],
  ['dependency-track-api-key', ['odt_'], re(/^odt_[A-Za-z0-9_]{32,80}$/), 84],
  ['deno-deploy-token', ['ddp_', 'ddw_'], re(/^dd[pw]_[A-Za-z0-9]{36}$/), 40],
  ['infracost-api-key', ['ico-'], re(/^ico-[A-Za-z0-9]{32}$/), 36],
  ['scalingo-token', ['tk-us-'], re(/^tk-us-[A-Za-z0-9_-]{48}$/), 54],
  ['circleci-token', ['CCIPAT_'], re(/^CCIPAT_[A-Za-z0-9]{22}_[0-9a-f]{40}$/), 70],
  ['openshift-token', ['sha256~'], re(/^sha256~[A-Za-z0-9_-]{43}$/), 50],
  [
    'amazon-mws-token',
    ['amzn.mws.'],
    re(/^amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    45,
  ],
  ['adafruit-io-key', ['aio_'], re(/^aio_[A-Za-z0-9]{28}$/), 32],
  ['grafana-token', ['eyJrIjoi'], re(/^eyJrIjoi[A-Za-z0-9]{60,400}={0,2}$/), 410],
  [
    'discord-webhook-url',
    ['https://discord.com/api/webhooks/', 'https://discordapp.com/api/webhooks/'],
    re(/^https:\/\/discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_-]{60,70}$/),
    130,
  ],
  [
    'msteams-webhook-url',
    ['https://outlook.office.com/webhook/'],
    re(
      /^https:\/\/outlook\.office\.com\/webhook\/[0-9a-f-]{36}@[0-9a-f-]{36}\/IncomingWebhook\/[0-9a-f]{32}\/[0-9a-f-]{36}$/,
    ),
    200,
  ],
];

const QUANTIFIER_OR_GROUP = new Set(['^', '$', '(', ')', '|', '?', '*', '+']);

/**
 * The characters a token of `shape` may hold: its character classes and its literal characters
 * (so the body and the edge need not be written beside the shape, and cannot drift from it).
 * Reads the shape's source once, left to right; the shapes are written in the plain subset this
 * understands (classes, escaped literals, groups, alternation, `{m,n}`).
 */
function bodyOf(shape: RegExp): CharSet {
  const set = new Uint8Array(128);
  const add = (members: CharSet): void => {
    for (let c = 0; c < 128; c++) set[c] ||= members[c] as number;
  };
  const source = shape.source;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '[') {
      const close = source.indexOf(']', i + 1);
      add(charSet(source.slice(i + 1, close).replaceAll('\\', '')));
      i = close;
    } else if (ch === '{') {
      i = source.indexOf('}', i + 1);
    } else if (ch === '\\') {
      i++;
      add(charSet(source[i] as string));
    } else if (ch === '(' && source[i + 1] === '?') {
      i += 2; // `(?:`
    } else if (!QUANTIFIER_OR_GROUP.has(ch)) {
      add(charSet(ch));
    }
  }
  return set;
}

const PROVIDER_RULES: readonly TokenRule[] = PROVIDERS.map(([type, prefixes, shape, maxLength]) => {
  const body = bodyOf(shape);
  return { prefixes, body, edge: body, maxLength, shape, type: fixed(type) };
});

/** `-----BEGIN ` in base64, at the start of a base64-encoded PEM file (Kubernetes secrets, CI). */
const BASE64_PEM = 'LS0tLS1CRUdJTi';
const PRIVATE_KEY_HEADER = re(/^-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/);
const isBase64PrivateKey = (token: string): boolean =>
  PRIVATE_KEY_HEADER.test(Buffer.from(token.slice(0, 96), 'base64').toString('latin1'));

const RULES: readonly TokenRule[] = [
  {
    prefixes: [BASE64_PEM],
    body: charSet('A-Za-z0-9+/='),
    edge: charSet('A-Za-z0-9+/='),
    maxLength: 16_384,
    shape: re(/^LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,16370}={0,2}$/),
    type: fixed('private-key'),
    valid: isBase64PrivateKey,
  },
  {
    // STS session tokens: base64 of a binary record that opens the same way in every token.
    prefixes: ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdz'],
    body: charSet('A-Za-z0-9+/='),
    edge: charSet('A-Za-z0-9+/='),
    maxLength: 4096,
    shape: re(/^(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9+/]{80,4080}={0,2}$/),
    type: fixed('aws-session-token'),
  },
  {
    prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    body: charSet('A-Z0-9'),
    edge: ALNUM,
    maxLength: 20,
    shape: re(/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/),
    type: fixed('aws-access-key'),
  },
  {
    prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^gh[pousr]_[A-Za-z0-9]{36,251}$/),
    type: (token) => GITHUB_TYPES[token[2] ?? 'p'] ?? 'github-pat',
  },
  {
    prefixes: ['github_pat_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^github_pat_[A-Za-z0-9]{20,40}_[A-Za-z0-9]{50,90}$/),
    type: fixed('github-fine-grained-pat'),
  },
  {
    prefixes: ['xoxb-', 'xoxp-', 'xoxe-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe.', 'xapp-'],
    body: charSet('A-Za-z0-9.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 300,
    shape: re(
      /^(?:xox[abeoprs]-(?:[0-9]{8,14}-){1,3}[A-Za-z0-9]{18,64}|xoxe\.xox[bp]-1-[A-Za-z0-9]{100,250}|xapp-1-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-f0-9]{40,80})$/,
    ),
    type: slackType,
  },
  {
    prefixes: ['https://hooks.slack.com/', 'http://hooks.slack.com/'],
    body: charSet('A-Za-z0-9:/._-'),
    edge: WORD,
    maxLength: 300,
    shape: re(
      /^https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_]{6,20}\/[A-Za-z0-9_]{6,20}\/(?:[0-9]{6,24}\/)?[A-Za-z0-9_]{16,64}$/,
    ),
    type: fixed('slack-webhook-url'),
  },
  {
    prefixes: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_', 'whsec_'],
    body: WORD,
    edge: WORD,
    maxLength: 255,
    shape: re(/^(?:[rs]k_(?:live|test|prod)_[A-Za-z0-9]{20,247}|whsec_[A-Za-z0-9]{32,100})$/),
    type: (token) => (token.startsWith('whsec_') ? 'stripe-webhook-secret' : 'stripe-secret-key'),
  },
  {
    prefixes: ['sk-ant-'],
    body: DASHED,
    edge: DASHED,
    maxLength: 160,
    shape: re(/^sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{80,120}$/),
    type: fixed('anthropic-api-key'),
  },
  {
    prefixes: ['sk-'],
    body: DASHED,
    edge: DASHED,
    maxLength: 300,
    shape: re(
      /^sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,250}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,64})$/,
    ),
    type: fixed('openai-api-key'),
  },
  {
    prefixes: ['AIzaSy'],
    body: DASHED,
    edge: DASHED,
    maxLength: 39,
    shape: re(/^AIzaSy[A-Za-z0-9_-]{33}$/),
    type: fixed('gcp-api-key'),
  },
  {
    prefixes: ['hf_', 'api_org_'],
    body: WORD,
    edge: WORD,
    maxLength: 42,
    shape: re(/^(?:hf_|api_org_)[A-Za-z]{34}$/),
    type: fixed('huggingface-token'),
    mixedCase: true,
  },
  {
    prefixes: ['npm_'],
    body: WORD,
    edge: WORD,
    maxLength: 40,
    shape: re(/^npm_[A-Za-z0-9]{36}$/),
    type: fixed('npm-token'),
  },
  {
    prefixes: [
      'glpat-',
      'gldt-',
      'glptt-',
      'glrt-',
      'glcbt-',
      'gloas-',
      'glft-',
      'glimt-',
      'glagent-',
      'glsoat-',
      'glffct-',
      'GR1348941',
    ],
    body: charSet('A-Za-z0-9_.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 120,
    shape: re(
      /^(?:gl(?:pat|dt|ptt|rt|cbt|oas|ft|imt|agent|soat|ffct)-|GR1348941)[A-Za-z0-9_-]{20,100}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?$/,
    ),
    type: fixed('gitlab-pat'),
  },
  ...PROVIDER_RULES,
  {
    // Square's access tokens and Meta's (Facebook, Instagram) share the prefix; the length tells.
    prefixes: ['EAA'],
    body: DASHED,
    edge: DASHED,
    maxLength: 400,
    shape: re(/^EAA(?:A[A-Za-z0-9_-]{60}|[A-Za-z0-9]{90,397})$/),
    type: (token) => (token.length === 64 ? 'square-token' : 'facebook-access-token'),
  },
  {
    prefixes: ['cio'],
    body: ALNUM,
    edge: WORD,
    maxLength: 35,
    shape: re(/^cio[A-Za-z0-9]{32}$/),
    type: fixed('crates-io-token'),
    mixedCase: true,
  },
  {
    // X (Twitter) app-only bearer tokens open with a run of `A`s and URL-encode their base64.
    prefixes: ['AAAAAAAAAAAAAAAAAAAA'],
    body: charSet('A-Za-z0-9%'),
    edge: ALNUM,
    maxLength: 200,
    shape: re(/^A{20,30}[A-Za-z0-9%]{60,170}$/),
    type: fixed('twitter-bearer-token'),
    mixedCase: true,
    filledByFormat: true,
    valid: (token) => token.includes('%') && !isFakeToken(token.slice(token.indexOf('%'))),
  },
  {
    prefixes: ['SG.'],
    body: charSet('A-Za-z0-9_.-'),
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 70,
    shape: re(/^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
    type: fixed('sendgrid-api-key'),
  },
  {
    prefixes: ['eyJ'],
    body: charSet('A-Za-z0-9_.=-'),
    // `=` may precede a token (`assertion=eyJ…`), so it is body but not edge.
    edge: charSet('A-Za-z0-9_.-'),
    maxLength: 8192,
    shape: re(/^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,3}={0,2}$/),
    type: fixed('jwt'),
  },
];

interface PrefixEntry {
  prefix: string;
  rule: TokenRule;
}

// Longest first, so that the search's alternation picks `sk-ant-` over `sk-` at one position.
const PREFIXES: readonly PrefixEntry[] = RULES.flatMap((rule) =>
  rule.prefixes.map((prefix) => ({ prefix, rule })),
).sort((a, b) => b.prefix.length - a.prefix.length);

/** Every literal that can start a token; the scanner holds back a text that ends in a part of one. */
export const TOKEN_PREFIXES: readonly string[] = PREFIXES.map((entry) => entry.prefix);

/** The token prefixes as a tree of characters: a place takes the longest prefix that starts there. */
interface PrefixNode {
  entry: PrefixEntry | null;
  readonly next: Array<PrefixNode | undefined>;
}

const PREFIX_TREE: PrefixNode = { entry: null, next: [] };
for (const entry of PREFIXES) {
  let node = PREFIX_TREE;
  for (let i = 0; i < entry.prefix.length; i++) {
    const c = entry.prefix.charCodeAt(i);
    node = node.next[c] ??= { entry: null, next: [] };
  }
  if (node.entry !== null) throw new Error('two token rules share a prefix');
  node.entry = entry;
}

/** The longest token prefix that starts at `i` of `text`, or null. */
function prefixStartingAt(text: string, i: number): PrefixEntry | null {
  let found: PrefixEntry | null = null;
  let node: PrefixNode | undefined = PREFIX_TREE;
  for (let k = i; k < text.length && node !== undefined; k++) {
    node = node.next[text.charCodeAt(k)];
    if (node?.entry) found = node.entry;
  }
  return found;
}

const REGEX_SPECIAL = re(/[.*+?^${}()|[\]\\/]/g);
const escapeLiteral = (literal: string): string => literal.replace(REGEX_SPECIAL, '\\$&');

/** Every prefix where no letter or digit precedes it (no token follows one), longest first. */
const PREFIX_SEARCH = re(
  new RegExp(`(?<![A-Za-z0-9])(?:${TOKEN_PREFIXES.map(escapeLiteral).join('|')})`, 'g'),
);
/**
 * Up to this many characters are searched by a walk down the tree; more by the regular
 * expression, which costs more to start (a stream searches a few dozen characters per chunk) and
 * less per character.
 */
const SHORT_SEARCH = 512;

/** Where `nextPrefix` found the prefix it returns. */
let prefixAt = -1;

/**
 * The first token prefix at or after `from` that no letter or digit precedes, or null; its index
 * in `prefixAt`.
 */
function nextPrefix(text: string, from: number): PrefixEntry | null {
  if (text.length - from > SHORT_SEARCH) {
    PREFIX_SEARCH.lastIndex = from;
    const hit = PREFIX_SEARCH.exec(text);
    PREFIX_SEARCH.lastIndex = 0;
    if (hit === null) return null;
    prefixAt = hit.index;
    return prefixStartingAt(text, hit.index);
  }
  let previous = from > 0 ? text.charCodeAt(from - 1) : 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inSet(ALNUM, previous) && PREFIX_TREE.next[c] !== undefined) {
      const entry = prefixStartingAt(text, i);
      if (entry !== null) {
        prefixAt = i;
        return entry;
      }
    }
    previous = c;
  }
  return null;
}

function hasBothCases(token: string): boolean {
  return token !== token.toLowerCase() && token !== token.toUpperCase();
}

/** Per scan, where the run of each rule's body characters measured last ends (kept to save an allocation per scan). */
const runEnds = new Map<TokenRule, number>();

/** Finds credentials by their own format. Linear: a token is only examined from its first character. */
export function scanTokens(ctx: ScanContext): void {
  const { text, final } = ctx;
  // Clearing a map allocates a new table: an empty one (no prefix in the last scan) is left as is.
  if (runEnds.size > 0) runEnds.clear();
  let at = ctx.from;
  for (let hit = nextPrefix(text, at); hit !== null; hit = nextPrefix(text, at)) {
    const start = prefixAt;
    if (!final && start >= ctx.frontier) break;
    at = start + 1;
    const { rule } = hit;
    // `=` ends a name (`KEY=token`, `--header=token`) even where it may end a token.
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    if (before !== 61 && inSet(rule.edge, before)) continue;
    // Hits inside one run of a rule's body characters (`=ATATT3=ATATT3…`) share its end: each
    // run is measured once per rule, so a wall of prefixes costs one pass.
    let runTo = runEnds.get(rule) ?? -1;
    if (start >= runTo) {
      runTo = runEnd(text, start, rule.body, Number.POSITIVE_INFINITY);
      runEnds.set(rule, runTo);
    }
    const end = Math.min(runTo, start + rule.maxLength + 1);
    if (end === text.length && !final) {
      holdFrom(ctx, start);
      continue;
    }
    if (end - start > rule.maxLength) continue;
    if (end < text.length && inSet(rule.edge, text.charCodeAt(end))) continue;
    const token = text.slice(start, end);
    if (!rule.shape.test(token) || (!rule.filledByFormat && isFakeToken(token))) continue;
    if (rule.valid && !rule.valid(token)) continue;
    if (rule.mixedCase && !hasBothCases(token)) continue;
    ctx.findings.push({ start, end, type: rule.type(token) });
    at = end;
  }
}
