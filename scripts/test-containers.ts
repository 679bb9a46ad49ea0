// `npm run test:containers` (and a counted check in `npm test` when run as root): builds both
// images, brings the compose stack up on loopback, checks its hardening, chats through the edge over
// TLS in Chromium, then tears everything down. Exit 0 passed, 1 failed, 77 skipped (not root and
// something missing: named on stderr).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa } from '../e2e/fixtures/tls.ts';
import { freePort } from '../packages/api/src/testing/services.ts';
import {
  build,
  DEBIAN_IMAGE,
  makeDebianImage,
  makeNodeImage,
  NODE_IMAGE,
} from './containers/base-images.ts';
import { chatThroughEdge } from './containers/browser.ts';
import {
  type Engine,
  EngineUnavailable,
  ensurePackages,
  run,
  SKIPPED,
  startEngine,
} from './containers/engine.ts';

const root = new URL('..', import.meta.url).pathname;
const SERVER_IMAGE = 'bastion-server:test';
const EDGE_IMAGE = 'bastion-edge:test';
/** uids of the runtime users (infra/Dockerfile.*): the secret and TLS key are readable by them only. */
const SERVER_UID = 10001;
const EDGE_UID = 10002;

interface Outcome {
  name: string;
  ok: boolean;
  detail?: string;
}
const outcomes: Outcome[] = [];
const figures: string[] = [];

async function step<T>(name: string, fn: () => T | Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  try {
    const value = await fn();
    const s = ((performance.now() - started) / 1000).toFixed(1);
    outcomes.push({ name, ok: true });
    console.log(`  ok    ${name} (${s} s)`);
    return value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    outcomes.push({ name, ok: false, detail });
    console.log(`  FAIL  ${name}\n${detail.replace(/^/gm, '        ')}`);
    return undefined;
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The test's additions to infra/compose.yaml: a fake OpenAI-compatible model, fast healthchecks. */
function overrideFile(dir: string): string {
  const file = join(dir, 'compose.test.yaml');
  const fast = '{ interval: 2s, timeout: 3s, retries: 3, start_period: 60s }';
  writeFileSync(
    file,
    `services:
  server:
    healthcheck: ${fast}
    # The test engine has no NAT, so a lookup of the absent "ollama" would wait for the host's
    # resolver until it times out; point it at loopback to fail as fast as a real NXDOMAIN.
    extra_hosts: ["ollama:127.0.0.1"]
  edge:
    healthcheck: ${fast}
  # The "OpenAI" fallback: the repository's fake provider, reachable only on the compose network.
  model:
    image: ${SERVER_IMAGE}
    read_only: true
    cap_drop: [ALL]
    command:
      - node
      - --input-type=module
      - -e
      - "import { startFakeOpenAI } from '/app/packages/api/src/testing/fake-openai.ts'; await startFakeOpenAI({ port: 8000, host: '0.0.0.0', models: ['fake-model'] });"
    healthcheck:
      disable: true
`,
  );
  return file;
}

interface Stack {
  project: string;
  compose: (args: string[], options?: { allowFailure?: boolean }) => string;
  container: (service: string) => string;
}

async function waitHealthy(engine: Engine, stack: Stack, services: string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const states = services.map((s) =>
      engine.docker(['inspect', '-f', '{{.State.Health.Status}}', stack.container(s)]).trim(),
    );
    if (states.every((s) => s === 'healthy')) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not healthy after 180 s: ${services.map((s, i) => `${s}=${states[i]}`).join(', ')}\n${stack.compose(['logs', '--tail=30'], { allowFailure: true })}`,
      );
    }
    await sleep(250);
  }
}

/** compose down, then whatever it left (containers, networks, volumes of the project) by label. */
async function tearDown(engine: Engine, stack: Stack): Promise<void> {
  const down = stack.compose(['down', '-v', '--remove-orphans', '--timeout', '5'], {
    allowFailure: true,
  });
  const label = `label=com.docker.compose.project=${stack.project}`;
  const left = {
    containers: engine.docker(['ps', '-aq', '--filter', label]).split('\n').filter(Boolean),
    networks: engine.docker(['network', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean),
    volumes: engine.docker(['volume', 'ls', '-q', '--filter', label]).split('\n').filter(Boolean),
  };
  if (left.containers.length + left.networks.length + left.volumes.length === 0) return;
  if (left.containers.length)
    engine.docker(['rm', '-f', '-v', ...left.containers], { allowFailure: true });
  if (left.networks.length)
    engine.docker(['network', 'rm', ...left.networks], { allowFailure: true });
  if (left.volumes.length)
    engine.docker(['volume', 'rm', '-f', ...left.volumes], { allowFailure: true });
  outcomes.push({ name: 'compose down removes the whole stack', ok: false, detail: down });
  console.log(`  FAIL  compose down left ${JSON.stringify(left)}:\n${down}`);
}

async function main(): Promise<number> {
  const missing = ensurePackages();
  if (missing) {
    console.error(`test:containers skipped: ${missing}`);
    return SKIPPED;
  }
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'bastion-containers-'));
  let engine: Engine | undefined;
  let stack: Stack | undefined;
  const created = [SERVER_IMAGE, EDGE_IMAGE];
  try {
    engine = await startEngine();
    const e = engine;
    const dockerfiles = ['infra/Dockerfile.server', 'infra/Dockerfile.edge'] as const;

    await step('Dockerfiles pass dockerfile-utils lint', () => {
      for (const file of dockerfiles) {
        const out = run(
          join(root, 'node_modules/.bin/dockerfile-utils'),
          ['lint', file],
          process.env,
          {
            cwd: root,
            allowFailure: true,
          },
        );
        assert(out.trim() === '', `${file}:\n${out}`);
      }
    });

    const t0 = performance.now();
    const has = (image: string) =>
      /^sha256:/.test(
        e.docker(['image', 'inspect', '-f', '{{.Id}}', image], { allowFailure: true }),
      );
    const images = await step('local base images (debootstrap Debian, Node 24 on it)', () => {
      // A running engine may have them from an earlier run: they are left as found.
      if (!has(DEBIAN_IMAGE)) {
        makeDebianImage(e, work);
        created.push(DEBIAN_IMAGE);
      }
      if (!has(NODE_IMAGE)) {
        makeNodeImage(e, work, root);
        created.push(NODE_IMAGE);
      }
      return true;
    });
    figures.push(`base images ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (!images) return 1;
    const baseArgs = { NODE_IMAGE, DEBIAN_IMAGE };
    for (const [dockerfile, tag] of [
      [dockerfiles[0], SERVER_IMAGE],
      [dockerfiles[1], EDGE_IMAGE],
    ] as const) {
      const t = performance.now();
      const ok = await step(`docker build ${dockerfile}`, () => {
        build(e, root, dockerfile, tag, baseArgs);
        return true;
      });
      if (ok === undefined) return 1;
      const size = Number(e.docker(['image', 'inspect', '-f', '{{.Size}}', tag]).trim());
      figures.push(
        `${tag} ${(size / 1e6).toFixed(0)} MB, built in ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
    }

    // Everything the stack mounts lives in the work directory, never in the repository.
    const secretValue = `sk-bastion-test-${randomBytes(18).toString('hex')}`; // secret-scan: allow
    const secretFile = join(work, 'secrets', 'openai_api_key.txt');
    mkdirSync(join(work, 'secrets'));
    writeFileSync(secretFile, secretValue);
    chownSync(secretFile, SERVER_UID, SERVER_UID);
    chmodSync(secretFile, 0o400);
    const tlsDir = join(work, 'tls');
    const caDir = join(work, 'ca');
    mkdirSync(tlsDir);
    mkdirSync(caDir);
    const ca = makeTestCa(caDir);
    copyFileSync(ca.certFile, join(tlsDir, 'fullchain.pem'));
    copyFileSync(ca.keyFile, join(tlsDir, 'privkey.pem'));
    chownSync(join(tlsDir, 'privkey.pem'), EDGE_UID, EDGE_UID);
    chmodSync(join(tlsDir, 'privkey.pem'), 0o400);
    chmodSync(tlsDir, 0o755);
    const docs = join(work, 'docs');
    mkdirSync(docs);
    chmodSync(docs, 0o755);
    writeFileSync(
      join(docs, 'harbour-ferry.md'),
      '# Harbour ferry\n\nThe quillwort ferry leaves the harbour at 7:15 every morning from pier 9.\n',
    );
    chmodSync(join(docs, 'harbour-ferry.md'), 0o644);

    const httpsPort = await freePort();
    const httpPort = await freePort();
    const origin = `https://localhost:${httpsPort}`;
    const envFile = join(work, 'bastion.env');
    writeFileSync(
      envFile,
      [
        'ALLOWED_HOSTS=localhost',
        'LOG_LEVEL=info',
        'PRIMARY_MODEL=llama3.2',
        'FALLBACK_BASE_URL=http://model:8000/v1',
        'FALLBACK_MODEL=fake-model',
        '',
      ].join('\n'),
    );
    const project = `bastion-test-${process.pid}`;
    const composeEnv = {
      ...e.env,
      ALLOWED_ORIGINS: origin,
      BASTION_ENV_FILE: envFile,
      BASTION_TLS_DIR: tlsDir,
      OPENAI_SECRET_PATH: secretFile,
      BASTION_SERVER_IMAGE: SERVER_IMAGE,
      BASTION_EDGE_IMAGE: EDGE_IMAGE,
      EDGE_HTTP_PORT: String(httpPort),
      EDGE_HTTPS_PORT: String(httpsPort),
    };
    const composeArgs = ['-p', project, '-f', join(root, 'infra/compose.yaml')];
    const compose = (args: string[], options: { allowFailure?: boolean } = {}) =>
      run('docker-compose', [...composeArgs, ...args], composeEnv, options);

    await step('docker-compose config -q (infra/compose.yaml)', () => compose(['config', '-q']));
    const override = overrideFile(work);
    const testCompose = (args: string[], options: { allowFailure?: boolean } = {}) =>
      compose(['-f', override, ...args], options);
    stack = {
      project,
      compose: testCompose,
      container: (service) => testCompose(['ps', '-q', service]).trim(),
    };
    const s = stack;

    const upStarted = performance.now();
    const up = await step('stack up, healthchecks turn healthy', async () => {
      testCompose(['up', '-d', '--no-build']);
      await waitHealthy(e, s, ['server', 'edge']);
      return true;
    });
    figures.push(
      `cold start (up → both healthy) ${((performance.now() - upStarted) / 1000).toFixed(1)} s`,
    );
    if (up === undefined) return 1;
    const server = s.container('server');
    const edge = s.container('edge');

    await step('processes run as non-root users', () => {
      for (const [name, id] of [
        ['server', server],
        ['edge', edge],
      ] as const) {
        const uids = e
          .docker(['top', id, '-eo', 'uid,pid,comm'])
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/)[0]);
        assert(uids.length > 0, `${name}: no processes`);
        assert(!uids.includes('0') && !uids.includes('root'), `${name} runs as root: ${uids}`);
      }
    });

    await step('root filesystems read-only, capabilities dropped, no-new-privileges', () => {
      for (const id of [server, edge]) {
        const [info] = JSON.parse(e.docker(['inspect', id]));
        assert(info.HostConfig.ReadonlyRootfs === true, `${info.Name}: root filesystem writable`);
        assert(info.HostConfig.CapDrop?.includes('ALL'), `${info.Name}: capabilities not dropped`);
        assert(
          info.HostConfig.SecurityOpt?.includes('no-new-privileges:true'),
          `${info.Name}: no-new-privileges missing`,
        );
        const probe = e.docker(
          ['exec', id, 'sh', '-c', 'touch /probe 2>&1; grep CapEff /proc/1/status'],
          {
            allowFailure: true,
          },
        );
        assert(/Read-only file system/.test(probe), `${info.Name}: could write to /: ${probe}`);
        assert(/CapEff:\s+0+\s*$/m.test(probe), `${info.Name}: effective capabilities: ${probe}`);
      }
    });

    await step('web files 0644 and directories 0755, owned by root', () => {
      const listing = e.docker([
        'exec',
        edge,
        'find',
        '/srv/bastion/www',
        '(',
        '-type',
        'f',
        '!',
        '-perm',
        '0644',
        ')',
        '-o',
        '(',
        '-type',
        'd',
        '!',
        '-perm',
        '0755',
        ')',
        '-o',
        '!',
        '-user',
        'root',
      ]);
      assert(listing.trim() === '', `wrong modes or owners:\n${listing}`);
      const count = e.docker(['exec', edge, 'find', '/srv/bastion/www', '-type', 'f']).trim();
      assert(count.split('\n').length >= 3, 'the page is missing from the edge');
    });

    await step(
      'OpenAI key only as a Docker secret: not in docker inspect or any environment',
      () => {
        for (const id of [server, edge]) {
          assert(
            !e.docker(['inspect', id]).includes(secretValue),
            'the key appears in docker inspect',
          );
          const environ = e.docker(
            ['exec', id, 'sh', '-c', 'cat /proc/[0-9]*/environ | tr "\\0" "\\n"'],
            {
              allowFailure: true,
            },
          );
          assert(!environ.includes(secretValue), 'the key is in a process environment');
          assert(!/^OPENAI_API_KEY=/m.test(environ), 'OPENAI_API_KEY is set in an environment');
        }
        for (const image of [SERVER_IMAGE, EDGE_IMAGE]) {
          assert(
            !e.docker(['history', '--no-trunc', image]).includes(secretValue),
            `${image} history holds the key`,
          );
        }
        const mounted = e.docker(['exec', server, 'cat', '/run/secrets/openai_api_key']);
        assert(mounted === secretValue, 'the secret is not mounted for the server');
      },
    );

    await step('start-up names the live answer path in one line', () => {
      const logs = s.compose(['logs', '--no-color', 'server']);
      assert(
        logs.includes(
          'no model reachable at http://ollama:11434/v1: answering with the OpenAI fallback',
        ),
        `no answer-path line in the server log:\n${logs.slice(-2000)}`,
      );
    });

    await step('security headers at the edge equal the committed baseline', () => {
      run(
        process.execPath,
        [join(root, 'packages/security/src/cli.ts'), 'check', '--url', `${origin}/`],
        { ...process.env, NODE_EXTRA_CA_CERTS: ca.caFile },
      );
    });

    await step('bastion ingest into the running deployment (docker-compose run)', () => {
      const out = testCompose([
        'run',
        '--rm',
        '-T',
        '--no-deps',
        '-v',
        `${docs}:/import:ro`,
        'server',
        'bastion',
        'ingest',
        '/import',
      ]);
      assert(/"added":\s*1/.test(out), `ingest summary: ${out}`);
    });

    await step(
      'Chromium: the page loads over TLS and a chat answer streams through the edge',
      async () => {
        await chatThroughEdge({
          url: `${origin}/`,
          spki: ca.spki,
          question: 'When does the quillwort ferry leave the harbour?',
          expectText: 'Bastion is a hardened assistant.',
          expectServedBy: 'fallback',
          expectSource: 'harbour-ferry',
        }).catch((error) => {
          const logs = s.compose(['logs', '--no-color', '--tail=20', 'server', 'edge']);
          throw new Error(`${error instanceof Error ? error.message : error}\n${logs}`);
        });
      },
    );

    await step('the fallback got the key from the Docker secret', () => {
      const requests = e.docker([
        'exec',
        s.container('model'),
        'node',
        '-e',
        "fetch('http://127.0.0.1:8000/__fake/requests').then((r) => r.text()).then((t) => process.stdout.write(t))",
      ]);
      const auth = (JSON.parse(requests) as { authorization: string | null }[]).map(
        (r) => r.authorization,
      );
      assert(
        auth.includes(`Bearer ${secretValue}`),
        `the model saw: ${auth.join(', ') || 'no request'}`,
      );
    });
    return outcomes.every((o) => o.ok) ? 0 : 1;
  } catch (error) {
    if (error instanceof EngineUnavailable) {
      console.error(`test:containers skipped: ${error.message}`);
      return SKIPPED;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    if (stack && engine) await tearDown(engine, stack);
    if (engine && !engine.own) {
      engine.docker(['rmi', ...created], { allowFailure: true });
    }
    await engine?.stop();
    rmSync(work, { recursive: true, force: true });
    const passed = outcomes.filter((o) => o.ok).length;
    if (figures.length > 0) console.log(`\ncontainers: ${figures.join('; ')}`);
    console.log(
      `containers: ${passed} passed, ${outcomes.length - passed} failed in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

if (import.meta.main) process.exit(await main());
