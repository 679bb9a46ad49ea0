// The write thread: parses and stores documents in the SQLite file it was started for, on its
// own connection (see `sqliteWriterThread`).
import { parentPort, workerData } from 'node:worker_threads';
import { openStorage, type Storage } from '../../db/database.ts';
import { serveThread } from './thread-client.ts';
import { handleWrite, type WriteRequest } from './writer.ts';

if (!parentPort) throw new Error('write-worker.ts runs as a worker thread');
const { databasePath } = workerData as { databasePath: string };
let storage: Promise<Storage> | null = null;

serveThread(parentPort, async (request: WriteRequest): Promise<unknown> => {
  if (request.op === 'close') {
    const open = storage;
    storage = null;
    if (open) await (await open).close();
    return null;
  }
  storage ??= openStorage(databasePath).catch((error: unknown) => {
    storage = null;
    throw error;
  });
  return handleWrite((await storage).db, request);
});
