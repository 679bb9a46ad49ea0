import http from 'node:http';
import https from 'node:https';
import { finished, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';

/** Decoders of the encodings a server may send unasked (none is asked for). */
const decoders: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The response body as sent, decoded when it came compressed. */
function bodyOf(res: http.IncomingMessage): Readable {
  const decoder =
    decoders[
      String(res.headers['content-encoding'] ?? '')
        .trim()
        .toLowerCase()
    ];
  if (!decoder) return res;
  return pipeline(res, decoder(), () => {}) as unknown as Readable;
}

/** What the body may buffer ahead of its reader before the connection is paused. */
const BODY_BUFFER_BYTES = 64 * 1024;

/**
 * A Node stream as a web stream. The chunks one read of the connection yields go out as one:
 * node:http hands over every piece of a chunked body on its own (a model's stream sends one per
 * token), and each costs a turn through the whole pipeline. The connection pauses while the
 * reader is `BODY_BUFFER_BYTES` behind.
 */
function webBody(body: Readable): ReadableStream<Uint8Array> {
  let pending: Buffer[] = [];
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const flush = () => {
          if (pending.length === 0) return;
          const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
          pending = [];
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        };
        body.on('data', (chunk: Buffer) => {
          if (pending.push(chunk) === 1) process.nextTick(flush);
        });
        finished(body, (error) => {
          try {
            if (error) {
              pending = [];
              return controller.error(error);
            }
            flush();
            controller.close();
          } catch {
            // Already cancelled by its reader.
          }
        });
      },
      pull() {
        body.resume();
      },
      cancel() {
        pending = [];
        body.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: BODY_BUFFER_BYTES }),
  );
}

const aborted = () => new DOMException('This operation was aborted', 'AbortError');

/** How long a pooled connection may sit idle when its server gives no shorter hint. */
const IDLE_CONNECTION_MS = 4_000;

/**
 * A `fetch` for the provider SDK over node:http with kept-alive connections. Node's built-in
 * fetch writes a request only on a later turn of the event loop, so a viewer's `chat.stream`
 * that arrived meanwhile was handled first and the model's round trip waited behind it; a
 * request made here is on the wire before the loop turns (a pooled socket is handed over on the
 * same tick), and that round trip overlaps whatever the server does next.
 *
 * Supports what the SDK sends: string or byte bodies, an abort signal that destroys the request
 * (and the connection, so the model server sees it close) until the response has ended. Redirects
 * are not followed: a provider URL that redirects fails with the redirect's status.
 */
export function createHttpFetch(): typeof globalThis.fetch {
  // An idle pooled connection is closed by us before the server closes it: a request written on
  // a connection the server is closing fails unread ("socket hang up"). node:http's agent applies
  // the server's `Keep-Alive: timeout=N` hint (less a second) only to lower a timeout it already
  // has, so it gets one: the built-in fetch's default idle limit.
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS };
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) };
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const { body, signal } = init;
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      }
      if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        return reject(new TypeError('only string and byte request bodies are supported'));
      }
      if (signal?.aborted) return reject(aborted());
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const method = init.method ?? 'GET';
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method, headers, agent: agents[url.protocol] },
        (res) => {
          // The response read to its end, the connection goes back to the pool: an abort after
          // that (the SDK's callers abort when they are done) must not destroy it.
          res.once('end', () => signal?.removeEventListener('abort', onAbort));
          const status = res.statusCode ?? 502;
          const responseHeaders = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
          const empty = status === 204 || status === 304 || method === 'HEAD';
          if (empty) res.resume();
          resolve(
            new Response(empty ? null : webBody(bodyOf(res)), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        },
      );
      const onAbort = () => request.destroy(aborted());
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      });
      request.end(body ?? undefined);
    });
}
