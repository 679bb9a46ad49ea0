import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defaultEdgeLimits } from '@bastion/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, startTestEdge, type TestEdge } from './attack.ts';

// Newcomer finding: nginx logged "a client request body is buffered to a temporary file" for a
// 62 KB chat.start: conversation text reached the edge's disk. A body within the edge's cap now
// stays in memory.

/** An upstream that takes each body whole, then holds its answer until the test lets it go. */
async function holdingUpstream() {
  const held: Array<{ bytes: number; answer: () => void }> = [];
  const waiting: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') {
      res.end('ok');
      return;
    }
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      held.push({
        bytes,
        answer: () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
      });
      waiting.shift()?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The next body nginx passed on, while its request is still open at the edge. */
    async nextBody() {
      if (held.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
      return held.shift()!;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Files under `dir`, named or not: nginx unlinks a request body's temp file as soon as it opens
 * it (the text is on disk all the same), so its workers' open descriptors are looked at too.
 */
function filesUnder(dir: string): string[] {
  const named = existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [];
  const open = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'nginx') return [];
        return readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return []; // gone, or not ours to read
      }
    })
    .filter((target) => target.startsWith(`${dir}/`));
  return [...named, ...open];
}

/** The edge's default body cap (`client_max_body_size 1m`). */
const CAP = 1024 * 1024;

describe('request bodies at the edge', () => {
  let upstream: Awaited<ReturnType<typeof holdingUpstream>>;
  let edge: TestEdge;
  beforeAll(async () => {
    upstream = await holdingUpstream();
    edge = await startTestEdge(upstream.host);
  }, 60_000);
  afterAll(async () => {
    // The upstream first: nginx finishes open requests before it quits.
    await upstream?.close();
    await edge?.stop();
  });

  // Just under the cap, less room for the JSON around the text.
  const content = 'a conversation the edge must not write down '
    .repeat(CAP / 32)
    .slice(0, CAP - 200);
  const body = JSON.stringify({ messages: [{ role: 'user', content }] });

  it.each([
    ['/api/trpc/chat.start', 'length'],
    ['/api/trpc/chat.start', 'chunked'],
    ['/api/trpc/feedback.submit', 'length'],
    ['/v1/chat/completions', 'chunked'],
    ['/v1/embeddings', 'length'],
  ])('keeps a body near the cap in memory: %s, %s', async (path, framing) => {
    expect(defaultEdgeLimits.maxBodySize).toBe('1m');
    expect(body.length).toBeGreaterThan(CAP - 300);
    expect(body.length).toBeLessThanOrEqual(CAP);
    const reply = sendRaw(edge.url, {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/json',
        ...(framing === 'chunked' ? { 'transfer-encoding': 'chunked' } : {}),
      },
      body,
    });
    // The whole body reached the upstream and the request is still open at the edge: a body
    // nginx had spooled to disk would be open in its temp folder now.
    const passed = await upstream.nextBody();
    try {
      expect(passed.bytes).toBe(body.length);
      expect(filesUnder(edge.clientBodyTemp)).toEqual([]);
    } finally {
      passed.answer();
    }
    expect((await reply).status).toBe(200);
    expect(readFileSync(edge.errorLog, 'utf8')).not.toContain('buffered to a temporary file');
  });
});
