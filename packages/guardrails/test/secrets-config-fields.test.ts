import { describe, expect, it } from 'vitest';
import { covered } from '../eval/secret-formats.ts';
import { createStreamRedactor, redactSecrets } from '../src/index.ts';
import { randomSource } from './fake-secrets.ts';

// A bare password or secret field in the configuration formats people paste: the value goes,
// whatever the field is called (`password`, `passwd`, `pwd`, `secret`) and however the format
// writes it. A reference to a value kept elsewhere (an environment variable, a template, a
// format placeholder) or a stand-in (`changeme`, `<password>`, a mask) is not a credential and
// stays, so that configuration examples read as they were written.

const random = randomSource(5150);
const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%^*_-';
/** A random password of 14 to 20 characters (no character a URL or a format would escape). */
const password = (alphabet = ALPHABET): string =>
  Array.from({ length: 14 + random(7) }, () => alphabet[random(alphabet.length)]).join('');
const URL_SAFE = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789_-';

const FIELDS = ['password', 'passwd', 'pwd', 'secret'];

/** `[format, (field, value) => text]` */
const FORMATS: ReadonlyArray<readonly [string, (field: string, value: string) => string]> = [
  ['INI', (f, v) => `[database]\nhost = db.internal\n${f} = ${v}\nport = 5432\n`],
  ['YAML', (f, v) => `database:\n  user: app\n  ${f}: ${v}\n`],
  ['YAML, quoted', (f, v) => `database:\n  ${f}: '${v}'\n`],
  ['JSON', (f, v) => `{"user": "app", "${f}": "${v}", "port": 5432}`],
  ['TOML', (f, v) => `[database]\nuser = "app"\n${f} = "${v}"\n`],
  ['XML attribute', (f, v) => `<connection user="app" ${f}="${v}" timeout="30"/>`],
  ['XML element', (f, v) => `<db><user>app</user><${f}>${v}</${f}></db>`],
  ['Java properties', (f, v) => `db.user=app\ndb.${f}=${v}\n`],
  ['.env', (f, v) => `DB_USER=app\nDB_${f.toUpperCase()}=${v}\n`],
  ['shell export', (f, v) => `export DB_${f.toUpperCase()}="${v}"`],
  ['Markdown table', (f, v) => `| name | value |\n| --- | --- |\n| \`${f}\` | \`${v}\` |\n`],
];

/** Connection strings: `[format, (value) => text]`. */
const CONNECTIONS: ReadonlyArray<readonly [string, (value: string) => string]> = [
  ['ODBC', (v) => `Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=app;Pwd=${v};`],
  ['ODBC, braced', (v) => `DRIVER={PostgreSQL};SERVER=db;UID=app;PWD={${v}};`],
  ['ODBC, braced around a semicolon', (v) => `DRIVER={PostgreSQL};UID=app;PWD={${v}};`],
  ['ADO.NET', (v) => `Server=db;Database=erp;User Id=app;Password=${v};Encrypt=True;`],
  ['JDBC SQL Server', (v) => `jdbc:sqlserver://db:1433;databaseName=erp;user=app;password=${v};`],
  ['JDBC query', (v) => `jdbc:mysql://db:3306/shop?user=app&password=${v}&useSSL=true`],
  ['JDBC Oracle thin', (v) => `jdbc:oracle:thin:app/${v}@//db:1521/ORCL`],
  ['URL user information', (v) => `postgres://app:${v}@db.internal:5432/erp`],
];

function expectRedacted(text: string, value: string): void {
  const start = text.indexOf(value);
  const { redactions, text: out } = redactSecrets(text);
  expect(covered(redactions, start, start + value.length), text).toBe(true);
  const redactor = createStreamRedactor();
  const streamed = [...text].map((ch) => redactor.push(ch)).join('') + redactor.flush();
  expect(streamed, text).toBe(out);
}

describe('bare password and secret fields', () => {
  for (const [format, write] of FORMATS) {
    it(`${format}: ${FIELDS.join(', ')}`, () => {
      for (const field of FIELDS) {
        const value = format === 'Java properties' ? password() : password(URL_SAFE);
        expectRedacted(write(field, value), value);
      }
    });
  }
  for (const [format, write] of CONNECTIONS) {
    it(`connection string: ${format}`, () => {
      const value = format.includes('semicolon')
        ? `${password(URL_SAFE)};${password(URL_SAFE)}`
        : password(URL_SAFE);
      expectRedacted(write(value), value);
    });
  }
});

describe('references and stand-ins stay', () => {
  const STAND_INS = [
    `\${DB_PASSWORD}`,
    '$DB_PASSWORD',
    '%DB_PASSWORD%',
    '%(db_password)s',
    '{{ .Values.db.password }}',
    '{{ db_password }}',
    '<password>',
    '<your-password-here>',
    'your-password-here',
    'changeme',
    'CHANGE_ME',
    '********',
    'xxxxxxxxxxxx',
    '1234567890',
    'os.environ["DB_PASSWORD"]',
    '#add-password',
  ];
  for (const [format, write] of FORMATS) {
    it(`${format}: ${STAND_INS.length} references and stand-ins`, () => {
      for (const standIn of STAND_INS) {
        const text = write('password', standIn);
        expect(redactSecrets(text).redactions, text).toEqual([]);
      }
    });
  }
  it('connection strings whose password is a reference', () => {
    for (const [, write] of CONNECTIONS) {
      for (const standIn of [`\${DB_PASSWORD}`, '{{password}}', 'changeme', '<password>']) {
        const text = write(standIn);
        expect(redactSecrets(text).redactions, text).toEqual([]);
      }
    }
  });
});

describe('passwords given on a command line or in .netrc', () => {
  const COMMANDS: ReadonlyArray<readonly [string, (value: string) => string]> = [
    ['psexec', (v) => `PsExec64.exe \\\\10.0.0.5 -u CORP\\svc -p ${v} cmd /c whoami`],
    ['psexec, quoted', (v) => `psexec \\\\srv -u admin -p "${v}" -s powershell`],
    ['sshpass', (v) => `sshpass -p '${v}' ssh -o StrictHostKeyChecking=no root@10.0.0.9`],
    ['mysql', (v) => `mysql -h db -u root -p${v} shop < dump.sql`],
    ['.netrc', (v) => `machine api.internal\nmachine git.internal login deploy password ${v}\n`],
  ];
  for (const [form, write] of COMMANDS) {
    it(form, () => {
      const value = password(URL_SAFE);
      expectRedacted(write(value), value);
    });
  }

  it('leaves prompts, other -p flags and references alone', () => {
    for (const text of [
      'mysql -u root -p shop',
      'mysqldump -uroot -p --all-databases > all.sql',
      'mkdir -p build/output && docker run -p 8080:80 nginx',
      'sshpass -p $SSHPASS ssh deploy@host',
      'psexec \\\\srv -u admin -p <password> cmd',
      'machine example.com login anonymous password changeme',
      'Run psexec on the host, then pass -p with the password when prompted.',
    ]) {
      expect(redactSecrets(text).redactions, text).toEqual([]);
    }
  });
});
