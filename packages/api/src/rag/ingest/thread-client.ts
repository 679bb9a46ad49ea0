import { setPriority } from 'node:os';
import { type MessagePort, Worker } from 'node:worker_threads';

/** What a thread posts back for request `id`: its result, or an error's message and code. */
export type ThreadReply<R> =
  | { id: number; result: R }
  | { id: number; error: string; code?: string | undefined };

/** What the main thread posts: request `id` with its body. */
export interface ThreadRequest<Q> {
  id: number;
  body: Q;
}

interface Pending<R> {
  resolve: (result: R) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ThreadOptions {
  /** A request that takes longer fails, and so does everything in flight (the thread is replaced). */
  timeoutMs: number;
  /** Heap of the thread: work that needs more fails instead of the process. */
  heapMb: number;
  workerData?: unknown;
}

/** An error from the thread, with SQLite's code kept (`isBusyError` reads it). */
function threadError(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

/**
 * Requests to a worker thread, one reply each. The thread starts on first use and is
 * unreferenced while idle (it never keeps a process alive); when a request times out or the
 * thread dies (its heap exhausted), what it was working on fails and the next request gets a
 * fresh thread.
 */
export class ThreadClient<Q, R> {
  readonly #script: URL;
  readonly #options: ThreadOptions;
  #worker: Worker | null = null;
  readonly #pending = new Map<number, Pending<R>>();
  readonly #calls = new Set<Promise<unknown>>();
  #nextId = 1;

  constructor(script: URL, options: ThreadOptions) {
    this.#script = script;
    this.#options = options;
  }

  call(body: Q): Promise<R> {
    const worker = this.#running();
    const id = this.#nextId++;
    const call = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#stop(worker, new Error(`took longer than ${this.#options.timeoutMs} ms`)),
        this.#options.timeoutMs,
      );
      this.#pending.set(id, { resolve, reject, timer });
      worker.ref();
      worker.postMessage({ id, body } satisfies ThreadRequest<Q>);
    });
    const settled: Promise<unknown> = call.then(
      () => this.#calls.delete(settled),
      () => this.#calls.delete(settled),
    );
    this.#calls.add(settled);
    return call;
  }

  /**
   * Waits for the requests in flight, sends `last` (the thread's own clean-up) if given, then
   * stops the thread; a later call starts a new one.
   */
  async close(last?: Q): Promise<void> {
    if (!this.#worker) return;
    await Promise.all([...this.#calls]);
    if (last !== undefined) await this.call(last).catch(() => {});
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #running(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#script, {
      resourceLimits: { maxOldGenerationSizeMb: this.#options.heapMb },
      workerData: this.#options.workerData,
    });
    worker.unref();
    worker.on('message', (reply: ThreadReply<R>) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (this.#pending.size === 0) worker.unref();
      if ('result' in reply) pending.resolve(reply.result);
      else pending.reject(threadError(reply.error, reply.code));
    });
    worker.on('error', (error) => this.#stop(worker, error));
    worker.on('exit', () => this.#stop(worker, new Error('the worker thread stopped')));
    this.#worker = worker;
    return worker;
  }

  /** Fails what the thread was working on and lets it go; the next call starts a new one. */
  #stop(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
    void worker.terminate();
  }
}

/** Nice value of a worker thread: below the event loop's, which serves health checks and chat. */
const BACKGROUND_NICE = 10;

/**
 * The thread side: answers each request with `handle`'s result, or its error's message and
 * code. Requests run concurrently; `handle` serialises what must not overlap. The thread runs at
 * a lower CPU priority than the event loop (on Linux a nice value is per thread), so when cores
 * are short the loop goes first and ingest waits, not health checks.
 */
export function serveThread<Q, R>(port: MessagePort, handle: (body: Q) => Promise<R>): void {
  try {
    setPriority(BACKGROUND_NICE);
  } catch {
    // Not permitted here: the thread keeps the loop's priority.
  }
  port.on('message', async ({ id, body }: ThreadRequest<Q>) => {
    let reply: ThreadReply<R>;
    try {
      reply = { id, result: await handle(body) };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      reply = {
        id,
        error: error instanceof Error ? error.message : String(error),
        code: typeof code === 'string' ? code : undefined,
      };
    }
    port.postMessage(reply);
  });
}
