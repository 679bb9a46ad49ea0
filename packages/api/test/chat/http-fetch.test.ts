import { getEventListeners, once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { brotliCompressSync, constants } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../src/chat/providers/http-fetch.ts';

const BROTLI_QUALITY = constants.BROTLI_PARAM_QUALITY;
const servers: http.Server[] = [];
const rawServers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
  for (const server of rawServers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
});

/** A local server; `connections` counts the TCP connections it accepted. */
async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  servers.push(server);
  const stats = { connections: 0, closed: 0 };
  server.on('connection', (socket) => {
    stats.connections += 1;
    socket.on('close', () => (stats.closed += 1));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, stats };
}

const until = async (check: () => boolean, tries = 200) => {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('the provider transport', () => {
  it('puts a request on a kept-alive connection on the wire before the event loop turns', async () => {
    const order: string[] = [];
    const { url, stats } = await serve((req, res) => {
      order.push(`server read ${req.method}`);
      req.resume();
      res.end('ok');
    });
    const fetch = createHttpFetch();
    expect(await (await fetch(url)).text()).toBe('ok');
    order.length = 0;
    // From a timer, the loop polls sockets before it runs immediates: a request written on this
    // tick is read by the server first; one written on a later turn comes after the immediate.
    const answered = await new Promise<Response>((resolve) =>
      setTimeout(() => {
        void fetch(url, { method: 'POST', body: '{"q":1}' }).then(resolve);
        setImmediate(() => order.push('next turn'));
      }, 0),
    );
    expect(await answered.text()).toBe('ok');
    expect(order).toEqual(['server read POST', 'next turn']);
    expect(stats.connections).toBe(1);
  });

  it('passes the status, headers and body of an error through', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    });
    const response = await createHttpFetch()(url);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toEqual({ error: 'slow down' });
  });

  it('hands the pieces of a chunked body that arrive together to its reader as one', async () => {
    const tokens = Array.from({ length: 2000 }, (_, i) => `data: {"t":${i}}\n\n`);
    const { url } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // A model's burst: 100 tokens a tick, each its own piece of chunked encoding.
      for (let i = 0; i < tokens.length; i += 100) {
        for (const token of tokens.slice(i, i + 100)) res.write(token);
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
    const reader = (await createHttpFetch()(url)).body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let reads = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      reads += 1;
      text += decoder.decode(next.value, { stream: true });
    }
    expect(text).toBe(tokens.join(''));
    expect(reads).toBeLessThan(200);
  });

  it('asks for an uncompressed body and refuses a compressed one unread', async () => {
    let asked: string | undefined;
    const { url, stats } = await serve((req, res) => {
      asked = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-encoding': req.url?.endsWith('/gzip') ? 'gzip' : 'br' });
      // A few bytes that decode to 8 MiB; the connection stays open, as a longer bomb's would.
      res.write(
        brotliCompressSync(Buffer.alloc(8 << 20, 'a'), { params: { [BROTLI_QUALITY]: 1 } }),
      );
    });
    const fetch = createHttpFetch();
    await expect(fetch(url)).rejects.toThrow(/br encoding/);
    expect(asked).toBe('identity');
    await expect(fetch(`${url}/gzip`)).rejects.toThrow(/gzip encoding/);
    await until(() => stats.closed === 2);
  });

  it('rejects a status a Response cannot carry, and passes a bad reason phrase over', async () => {
    // Raw answers node:http parses but `new Response` refuses: thrown in node:http's response
    // event, that ended the process.
    const lines = ['HTTP/1.1 600 Nope', 'HTTP/1.1 999 Nope', 'HTTP/1.1 503 \x7f'];
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end(`${lines.shift()}\r\nContent-Length: 2\r\n\r\n{}`));
    });
    rawServers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const fetch = createHttpFetch();
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow(/invalid status 600/);
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow(/invalid status 999/);
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect([response.status, response.statusText, await response.text()]).toEqual([503, '', '{}']);
  });

  it('cuts an error body at 64 KiB and a whole JSON body at 8 MiB, closing the connection', async () => {
    const { url, stats } = await serve((req, res) => {
      const json = req.url?.endsWith('/models');
      res.writeHead(json ? 200 : 500, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(64 * 1024, ' ');
      const more = () => {
        while (res.write(piece));
      };
      res.on('drain', more);
      more(); // and never ends
    });
    const fetch = createHttpFetch();
    await expect((await fetch(url)).text()).rejects.toThrow(/over 65536 bytes/);
    await expect((await fetch(`${url}/models`)).text()).rejects.toThrow(/over 8388608 bytes/);
    await until(() => stats.closed === 2);
  });

  it('closes the connection when aborted mid-response, and keeps it once the response ended', async () => {
    const { url, stats } = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url?.endsWith('/short')) return res.end('data: done\n\n');
      res.write('data: first\n\n'); // and never ends
    });
    const fetch = createHttpFetch();
    const done = new AbortController();
    await (await fetch(`${url}/short`, { signal: done.signal })).text();
    done.abort(); // after the end: the connection stays in the pool
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    expect(stats).toEqual({ connections: 1, closed: 0 });
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await until(() => stats.closed === 1);
    await expect(fetch(url, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });

  it('on abort, errors a body its reader left waiting; the signal is let go with the body', async () => {
    const { url, stats } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const piece = Buffer.alloc(64 * 1024, 'a');
      const more = () => {
        while (res.write(piece));
      };
      res.on('drain', more);
      more(); // and never ends: the connection is paused while nobody reads
    });
    const fetch = createHttpFetch();
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const abortedAt = Date.now();
    controller.abort();
    await expect(response.text()).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(100);
    await until(() => stats.closed === 1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A body its reader cancels, or reads to the end, no longer listens to the signal.
    const kept = new AbortController();
    await (await fetch(url, { signal: kept.signal })).body!.cancel();
    expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
  });

  it("closes an idle pooled connection before the server's Keep-Alive hint runs out", async () => {
    // A request written on a connection its server is closing fails unread ("socket hang up"):
    // the client must give up an idle connection first. This server never closes one itself.
    const { url, stats } = await serve((_req, res) => {
      res.setHeader('keep-alive', 'timeout=2');
      res.end('{"ok":true}');
    });
    const fetch = createHttpFetch();
    await (await fetch(url, { method: 'POST', body: 'first' })).text();
    expect(stats).toEqual({ connections: 1, closed: 0 });
    // The hint less a second: closed after about one second idle (waited for up to three).
    await until(() => stats.closed === 1, 600);
    await (await fetch(url, { method: 'POST', body: 'second' })).text();
    expect(stats.connections).toBe(2);
  });
});
