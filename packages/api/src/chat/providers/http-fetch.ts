import http from 'node:http';
import https from 'node:https';
import { finished } from 'node:stream';

/** What the body may buffer ahead of its reader before the connection is paused. */
const BODY_BUFFER_BYTES = 64 * 1024;
/** The most of an error's body that is read: its explanation, never a model's worth of text. */
const ERROR_BODY_BYTES = 64 * 1024;
/**
 * The most of a successful body that is read whole (the model list). An event stream has no
 * bound here: its reader bounds each event, and the chat's deadlines bound the whole.
 */
const WHOLE_BODY_BYTES = 8 * 1024 * 1024;

/** A reason phrase the fetch standard accepts (`new Response` throws on any other). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The body's byte limit, from its status and type. */
function bodyLimit(status: number, headers: Headers): number {
  if (status < 200 || status > 299) return ERROR_BODY_BYTES;
  return /^\s*text\/event-stream\b/i.test(headers.get('content-type') ?? '')
    ? Number.POSITIVE_INFINITY
    : WHOLE_BODY_BYTES;
}

/**
 * A Node response as a web stream, ended with `fail` or by its reader. The chunks one read of
 * the connection yields go out as one: node:http hands over every piece of a chunked body on its
 * own (a model's stream sends one per token), and each costs a turn through the whole pipeline.
 * The connection pauses while the reader is `BODY_BUFFER_BYTES` behind; a body over `limit`
 * bytes errors. `onSettled` runs once, when the stream closes, errors or is cancelled.
 */
function webBody(res: http.IncomingMessage, limit: number, onSettled: () => void) {
  let pending: Buffer[] = [];
  let received = 0;
  let settled = false;
  let fail: (error: Error) => void = () => {};
  const settle = () => {
    if (settled) return false;
    settled = true;
    pending = [];
    onSettled();
    return true;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        fail = (error) => {
          if (!settle()) return;
          res.destroy();
          controller.error(error);
        };
        const flush = () => {
          if (settled || pending.length === 0) return;
          const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
          pending = [];
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) res.pause();
        };
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          received += chunk.byteLength;
          if (received > limit) return fail(new Error(`the response body is over ${limit} bytes`));
          if (pending.push(chunk) === 1) process.nextTick(flush);
        });
        finished(res, (error) => {
          if (error) return fail(error);
          flush();
          if (settle()) controller.close();
        });
      },
      pull() {
        res.resume();
      },
      cancel() {
        settle();
        res.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: BODY_BUFFER_BYTES }),
  );
  return { stream, fail: (error: Error) => fail(error) };
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
 * Supports what the SDK sends: string or byte bodies, and an abort signal that, until the body
 * has been read to its end or cancelled, destroys the request (and the connection, so the model
 * server sees it close) and errors the body. Redirects are not followed: a provider URL that
 * redirects fails with the redirect's status. A response `new Response` cannot represent (a
 * status outside 200–599) fails the request, as a broken connection does.
 *
 * Bodies are asked for and read uncompressed only: a compressed body a few KB long can expand
 * to gigabytes, and nothing here is worth decoding it for (a model's tokens arrive as they are
 * made, the model list is small, an error's explanation is cut at `ERROR_BODY_BYTES`).
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
      headers['accept-encoding'] = 'identity';
      const method = init.method ?? 'GET';
      // Until there is a body, an abort destroys the request; then it ends the body too.
      let failBody: ((error: Error) => void) | null = null;
      const onAbort = () => {
        const error = aborted();
        request.destroy(error);
        failBody?.(error);
      };
      const settled = () => signal?.removeEventListener('abort', onAbort);
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method, headers, agent: agents[url.protocol] },
        (res) => {
          // Whatever a hostile server sent, nothing thrown here may escape into node:http's
          // event (it would end the process): the request fails instead.
          try {
            resolve(toResponse(res));
          } catch (error) {
            settled();
            res.destroy();
            request.destroy();
            reject(error);
          }
        },
      );
      const toResponse = (res: http.IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (!(status >= 200 && status <= 599)) {
          throw new TypeError(`the server answered with the invalid status ${status}`);
        }
        const encoding = String(res.headers['content-encoding'] ?? 'identity').trim();
        if (encoding.toLowerCase() !== 'identity') {
          throw new TypeError(`the server sent a body in the ${encoding} encoding, not asked for`);
        }
        const responseHeaders = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
        const statusText = res.statusMessage ?? '';
        const init = {
          status,
          statusText: REASON_PHRASE.test(statusText) ? statusText : '',
          headers: responseHeaders,
        };
        if (status === 204 || status === 304 || method === 'HEAD') {
          // The response read to its end, the connection goes back to the pool: an abort after
          // that (the SDK's callers abort when they are done) must not destroy it.
          res.once('end', settled);
          res.resume();
          return new Response(null, init);
        }
        const web = webBody(res, bodyLimit(status, responseHeaders), settled);
        failBody = web.fail;
        return new Response(web.stream, init);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('error', (error) => {
        settled();
        reject(error);
      });
      request.end(body ?? undefined);
    });
}
