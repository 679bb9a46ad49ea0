import { Worker } from 'node:worker_threads';
import type { ParsedDocument } from './parse.ts';
import type { SourceDocument } from './types.ts';

export interface ParseRequest {
  id: number;
  doc: SourceDocument;
}

export type ParseReply = { id: number; parsed: ParsedDocument } | { id: number; error: string };

/** A document that takes longer than this to parse fails (its thread is replaced). */
export const PARSE_TIMEOUT_MS = 120_000;
/** Heap of the parse thread: a document that needs more fails instead of the server. */
const PARSE_HEAP_MB = 1024;

interface Pending {
  resolve: (parsed: ParsedDocument) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Parsing (extraction and chunking) runs on a worker thread, so a large or hostile document never
 * stalls the event loop that serves health checks and chat. One thread, started on first use and
 * unreferenced while idle (it never keeps a process alive); a document that times out or exhausts
 * the thread's heap fails alone, and the next one gets a fresh thread.
 */
class ParseThread {
  #worker: Worker | null = null;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  parse(doc: SourceDocument): Promise<ParsedDocument> {
    const worker = this.#running();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.#stop(worker, new Error(`parsing took longer than ${PARSE_TIMEOUT_MS} ms`)),
        PARSE_TIMEOUT_MS,
      );
      this.#pending.set(id, { resolve, reject, timer });
      worker.ref();
      worker.postMessage({ id, doc } satisfies ParseRequest);
    });
  }

  #running(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: PARSE_HEAP_MB },
    });
    worker.unref();
    worker.on('message', (reply: ParseReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (this.#pending.size === 0) worker.unref();
      if ('parsed' in reply) pending.resolve(reply.parsed);
      else pending.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.#stop(worker, error));
    worker.on('exit', () => this.#stop(worker, new Error('the parse thread stopped')));
    this.#worker = worker;
    return worker;
  }

  /** Fails what the thread was working on and lets it go; the next parse starts a new one. */
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

const thread = new ParseThread();

/** Extracts and chunks `doc` on the parse thread. */
export function parseOffThread(doc: SourceDocument): Promise<ParsedDocument> {
  return thread.parse(doc);
}
