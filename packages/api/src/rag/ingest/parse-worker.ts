// The parse thread: extracts and chunks the documents the main thread posts, one reply each.
import { parentPort } from 'node:worker_threads';
import { parseDocument } from './parse.ts';
import type { ParseReply, ParseRequest } from './parse-thread.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');

port.on('message', async ({ id, doc }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id, parsed: await parseDocument(doc) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
