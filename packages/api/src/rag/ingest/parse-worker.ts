// The parse thread: extracts and chunks the documents the main thread posts, one reply each.
import { parentPort } from 'node:worker_threads';
import { parseDocument } from './parse.ts';
import { serveThread } from './thread-client.ts';

if (!parentPort) throw new Error('parse-worker.ts runs as a worker thread');
serveThread(parentPort, parseDocument);
