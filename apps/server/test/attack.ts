import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appRouter } from '@bastion/api';
import { type NginxOptions, renderNginxConfig } from '@bastion/security';
import {
  freePort,
  launchNginx,
  openForNginx,
  stopProcess,
  waitFor,
} from '../../../e2e/fixtures/nginx.ts';

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** `error.data.reason` (tRPC) or `error.code` (OpenAI) when the body is an API error. */
  reason: string | null;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request whose path goes on the wire exactly as given: no URL parsing, so dot segments,
 * percent-encodings and doubled slashes reach the server (fetch would normalise them first).
 */
export function sendRaw(
  base: string,
  {
    method,
    path,
    headers = {},
    body,
  }: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        agent,
        headers: { host: `localhost:${port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let reason: string | null = null;
          try {
            const error = JSON.parse(text)?.error;
            reason = error?.data?.reason ?? (typeof error?.code === 'string' ? error.code : null);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, reason });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Target {
  method: string;
  /** The canonical path. */
  path: string;
  /** The tRPC procedure it calls, if any. */
  procedure?: string;
}

const GUARDED = /^\/(?:api|v1|metrics)(?:\/|$)/;

/**
 * Every request a client can make to a guarded surface, from the server's own route table and the
 * tRPC router's procedure list: a route or procedure added later is covered without editing a test.
 */
export function guardedTargets(routes: ReadonlyArray<{ method: string; url: string }>): Target[] {
  const targets = new Map<string, Target>();
  for (const { method, url } of routes) {
    if (!GUARDED.test(url) || method === 'HEAD' || method === 'OPTIONS') continue;
    if (url.endsWith('/:path') && url.startsWith('/api/trpc')) {
      // Flat at run time: `chat.start` → its procedure.
      const procedures = appRouter._def.procedures as unknown as Record<
        string,
        { _def: { type: string } }
      >;
      for (const [procedure, def] of Object.entries(procedures)) {
        const type = def._def.type;
        const verb = type === 'mutation' ? 'POST' : 'GET';
        targets.set(`${verb} ${procedure}`, {
          method: verb,
          path: `/api/trpc/${procedure}`,
          procedure,
        });
      }
      continue;
    }
    if (!['GET', 'POST'].includes(method)) continue;
    const path = url.replace(/:[^/]+/g, 'x').replace(/\*$/, 'x');
    targets.set(`${method} ${path}`, { method, path });
  }
  return [...targets.values()];
}

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Other spellings of `path` that a URL decoder, a case-insensitive matcher or a path normaliser
 * could take for it: each character percent-encoded (both hex cases), double encoding, mixed case,
 * dot segments (plain and encoded), doubled slashes, a trailing slash, `;` parameters, backslashes.
 */
export function spellings(path: string): string[] {
  const out = new Set<string>();
  const segments = path.split('/').slice(1);
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (c === '/') {
      out.add(`${path.slice(0, i)}%2F${path.slice(i + 1)}`);
      continue;
    }
    out.add(`${path.slice(0, i)}${hex(c)}${path.slice(i + 1)}`);
    out.add(`${path.slice(0, i)}${hex(c).toLowerCase()}${path.slice(i + 1)}`);
  }
  out.add(`/${segments.map((s) => [...s].map(hex).join('')).join('/')}`);
  out.add(path.replace(/[a-z]/, (c) => `%25${hex(c).slice(1)}`));
  const last = segments.length - 1;
  out.add(path.replace(/\/([^/])/, (_m, c: string) => `/%25${hex(c).slice(1)}`));
  out.add(
    `/${segments.slice(0, last).join('/')}/${segments[last]!.replace(/^./, (c) => `%25${hex(c).slice(1)}`)}`,
  );
  out.add(path.toUpperCase());
  out.add(segments.map((s) => `/${s.charAt(0).toUpperCase()}${s.slice(1)}`).join(''));
  out.add(path.replace(/[a-z](?=[^/]*$)/, (c) => c.toUpperCase()));
  out.add(`/.${path}`);
  out.add(`/./${path.slice(1)}`);
  out.add(`/${segments[0]}/.${path.slice(segments[0]!.length + 1)}`);
  out.add(`/x/..${path}`);
  out.add(`/x/%2e%2e${path}`);
  out.add(`/${segments[0]}/../${path.slice(1)}`);
  out.add(`/${segments[0]}/%2E%2E/${path.slice(1)}`);
  out.add(`/${path}`);
  out.add(path.replace(/\//g, '//'));
  out.add(`${path}/`);
  out.add(`${path}/.`);
  out.add(`${path};x=1`);
  out.add(`/${segments[0]};x=1${path.slice(segments[0]!.length + 1)}`);
  out.add(path.replace(/\//g, '\\').replace(/^\\/, '/'));
  out.delete(path);
  return [...out];
}

export interface TestEdge {
  url: string;
  /** nginx's error log (warn and above). */
  errorLog: string;
  /** nginx's access log: one line a request, the client address first. */
  accessLog: string;
  /** Where nginx would write a request body it does not keep in memory (`client_body_temp_path`). */
  clientBodyTemp: string;
  stop: () => Promise<void>;
}

/**
 * Debian's nginx with the generated config in front of `upstream`, plain HTTP on a loopback port,
 * everything under one temp folder that `stop` removes.
 */
export async function startTestEdge(
  upstream: string | readonly string[],
  { limits, app, trustedProxies }: Pick<NginxOptions, 'limits' | 'app' | 'trustedProxies'> = {},
): Promise<TestEdge> {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-edge-'));
  let stop = async () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Bastion</title>');
    openForNginx(dir);
    const port = await freePort();
    const config = renderNginxConfig({
      upstream,
      root: dir,
      listen: `127.0.0.1:${port}`,
      csp: "default-src 'none'",
      prefix: dir,
      accessLog: join(dir, 'access.log'),
      errorLog: join(dir, 'error.log'),
      limits: {
        apiRate: '10000r/s',
        apiBurst: 10000,
        chatRate: '10000r/s',
        chatBurst: 10000,
        ...limits,
      },
      ...(app ? { app } : {}),
      ...(trustedProxies ? { trustedProxies } : {}),
    });
    const { nginx } = launchNginx(dir, config);
    stop = async () => {
      await stopProcess(nginx, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    };
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await sendRaw(url, { method: 'GET', path: '/healthz' })).status === 200,
      'nginx',
    );
    return {
      url,
      errorLog: join(dir, 'error.log'),
      accessLog: join(dir, 'access.log'),
      clientBodyTemp: join(dir, 'client_body'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
