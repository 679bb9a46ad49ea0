import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_TOKENS, startFakeOpenAI } from '@bastion/api/testing';
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const clientDir = join(repo, 'packages/client');
const exec = promisify(execFile);
// Node 24 and the npm it came with, as `npm test` has them.
const env = { ...process.env, PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` };

/** A consumer's program: every type comes from the installed tarball, inferred from the router. */
function consumerSource(url: string): string {
  return `import { type ChatEvent, createBastionClient, type Reason, streamChat } from '@bastion/client';

const client = createBastionClient({ url: ${JSON.stringify(url)} });
const summary = await client.status.summary.query();
const ready: boolean = summary.ready;
let streamed = '';
const outcome = await streamChat(
  client,
  { messages: [{ role: 'user', content: 'What is Bastion?' }] },
  {
    onEvent: (event: ChatEvent) => {
      if (event.type === 'delta') streamed += event.text;
    },
  },
);
const servedBy: 'primary' | 'fallback' | 'extractive' | 'guardrails' | null = outcome.servedBy;
const reason: Reason | undefined = outcome.error?.code;
// @ts-expect-error the router has no such procedure: types are inferred, not any
void client.chat.nothing;
console.log(JSON.stringify({ ready, streamed, servedBy, reason: reason ?? null }));
`;
}

/** The README's typed-client example, exactly as a reader would paste it, for the server at `url`. */
function readmeExample(url: string): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Using the typed client from TypeScript'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code?.includes('http://127.0.0.1:8787')) {
    throw new Error('the README has no typed-client example for the default address');
  }
  return code.replace('http://127.0.0.1:8787', url);
}

describe('the typed client as a package outside the monorepo', () => {
  it('packs, installs from the tarball, typechecks with a default tsconfig and streams an answer', async () => {
    const work = mkdtempSync(join(tmpdir(), 'bastion-client-'));
    const primary = await startFakeOpenAI();
    const server = await startServer({
      PRIMARY_BASE_URL: primary.baseURL,
      PRIMARY_MODEL: 'fake-model',
    });
    try {
      await exec('npm', ['pack', '--silent', '--pack-destination', work], {
        cwd: clientDir,
        env,
      });
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();
      const { stdout: listing } = await exec('tar', ['tzf', join(work, tarball!)]);
      const files = listing.trim().split('\n');
      expect(files).toContain('package/dist/index.js');
      // JavaScript of the client only: no server module is bundled or shipped as code.
      expect(files.filter((f) => f.endsWith('.js'))).toEqual([
        'package/dist/browser.js',
        'package/dist/index.js',
      ]);

      const project = join(work, 'consumer');
      await exec('mkdir', [project]);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }),
      );
      await exec(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--silent',
          // The repository's own install has every package in npm's cache: a stalled registry
          // connection must not hold the suite for npm's five-minute fetch timeout.
          '--prefer-offline',
          '--fetch-timeout=60000',
          join(work, tarball!),
          'typescript',
          '@types/node',
        ],
        { cwd: project, env, timeout: 180_000 },
      );
      await exec('npx', ['tsc', '--init'], { cwd: project, env });
      writeFileSync(join(project, 'index.ts'), consumerSource(server.url));
      // A module that exports its client, its type inferred: emitted as a declaration (which
      // `tsc --init` turns on), it names the router's types by paths the package exports.
      writeFileSync(
        join(project, 'bastion.ts'),
        `import { createBastionClient } from '@bastion/client';\nexport const bastion = createBastionClient({ url: ${JSON.stringify(server.url)} });\n`,
      );
      await exec('npx', ['tsc', '--noEmit'], { cwd: project, env }).catch((error) => {
        throw new Error(`the consumer does not typecheck:\n${error.stdout}${error.stderr}`);
      });

      // The README's example, as pasted beside it: the same default tsconfig, nothing added.
      writeFileSync(join(project, 'readme.ts'), readmeExample(server.url));
      await exec('npx', ['tsc', '--noEmit'], { cwd: project, env }).catch((error) => {
        throw new Error(`the README example does not typecheck:\n${error.stdout}${error.stderr}`);
      });
      const readmeRun = await exec('node', ['readme.ts'], { cwd: project, env });
      expect(readmeRun.stdout).toContain(`${DEFAULT_TOKENS.join('')}\n(served by primary;`);

      const { stdout } = await exec('node', ['index.ts'], { cwd: project, env });
      expect(JSON.parse(stdout)).toEqual({
        ready: true,
        streamed: DEFAULT_TOKENS.join(''),
        servedBy: 'primary',
        reason: null,
      });
    } finally {
      await server.stop();
      await primary.close();
      rmSync(work, { recursive: true, force: true });
      rmSync(join(clientDir, 'dist'), { recursive: true, force: true });
    }
  }, 300_000);
});
