import type { ParsedDocument } from './parse.ts';
import { ThreadClient } from './thread-client.ts';
import type { SourceDocument } from './types.ts';

/** A document that takes longer than this to parse fails (its thread is replaced). */
const PARSE_TIMEOUT_MS = 120_000;
/** Heap of the parse thread: a document that needs more fails instead of the server. */
const PARSE_HEAP_MB = 1024;

/**
 * Parsing (extraction and chunking) runs on a worker thread, so a large or hostile document never
 * stalls the event loop that serves health checks and chat. One thread per process; a document
 * that times out or exhausts the thread's heap fails alone.
 */
const thread = new ThreadClient<SourceDocument, ParsedDocument>(
  new URL('./parse-worker.ts', import.meta.url),
  { timeoutMs: PARSE_TIMEOUT_MS, heapMb: PARSE_HEAP_MB },
);

/** Extracts and chunks `doc` on the parse thread. */
export function parseOffThread(doc: SourceDocument): Promise<ParsedDocument> {
  return thread.call(doc);
}
