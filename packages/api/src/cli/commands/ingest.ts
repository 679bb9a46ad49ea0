import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { COLLECTION_PATTERN, DEFAULT_COLLECTION } from '../../rag/collections.ts';
import { embeddingsConfigFromEnv } from '../../rag/embeddings.ts';
import { listFiles, MAX_FILE_BYTES, readFiles } from '../../rag/ingest/files.ts';
import { addSummary, emptySummary } from '../../rag/ingest/pipeline.ts';
import { KnowledgeBase } from '../../rag/knowledge-base.ts';
import type { StorageOptions } from '../../storage/open.ts';
import { DatabaseUnavailableError, describeDatabaseUrl } from '../../storage/postgres.ts';
import { parseCommand } from '../args.ts';
import { progressBar } from '../progress.ts';
import { line } from '../terminal.ts';

const HELP = `Usage: bastion ingest <path...> [--collection ID] [--database FILE]

Adds files and folders to the knowledge base: Markdown/MDX, text, HTML, JSON/YAML, source code
and PDF. Re-running skips unchanged files, replaces changed ones and removes files that vanished
from a folder. Prints a JSON summary { added, updated, unchanged, removed, chunks }.
  --collection ID   collection (default "${DEFAULT_COLLECTION}"; 1-64 of a-z A-Z 0-9 _ -)
  --database FILE   this SQLite file (default: the server's store, see below)
The store is the one the server opens from the same environment: PostgreSQL at $DATABASE_URL
when set, else the SQLite file $DATABASE_PATH, else $DATA_DIR/bastion.sqlite.
Embeddings are added when EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are set, as for the server.
`;

/**
 * Where the documents go: what `KnowledgeBase.open` would open for the server in this
 * environment (a replica set's shared PostgreSQL, not a SQLite file beside it nobody reads),
 * unless `--database` names a file.
 */
function storageOf(flag: string | undefined): Pick<StorageOptions, 'databasePath' | 'databaseUrl'> {
  if (flag) return { databasePath: resolve(flag) };
  const env = process.env;
  return {
    databasePath: resolve(env.DATABASE_PATH ?? resolve(env.DATA_DIR ?? './data', 'bastion.sqlite')),
    databaseUrl: env.DATABASE_URL?.trim() || null,
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      collection: { type: 'string', short: 'c' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const collection = values.collection ?? DEFAULT_COLLECTION;
  if (positionals.length === 0 || !COLLECTION_PATTERN.test(collection)) {
    process.stderr.write(
      positionals.length === 0
        ? 'bastion ingest: name a file or folder to ingest\n\n'
        : 'bastion ingest: invalid --collection\n\n',
    );
    process.stderr.write(HELP);
    return 2;
  }
  const missing = positionals.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    process.stderr.write(line`bastion ingest: not found: ${missing.join(', ')}\n`);
    return 2;
  }

  const storage = storageOf(values.database);
  const store = storage.databaseUrl
    ? `PostgreSQL ${describeDatabaseUrl(storage.databaseUrl)} (DATABASE_URL)`
    : storage.databasePath;
  // A relative DATA_DIR is taken from the working folder, as the server does: run elsewhere, a
  // new store would be made silently, so a new one is named as such.
  const isNew = !storage.databaseUrl && !existsSync(storage.databasePath);
  let kb: KnowledgeBase;
  try {
    kb = await KnowledgeBase.open({ ...storage, embeddings: embeddingsConfigFromEnv(process.env) });
  } catch (error) {
    // Unreachable, refused or too old: one line that names no password (never a stack).
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    process.stderr.write(line`bastion ingest: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(
    isNew
      ? line`ingesting into ${store} (a new knowledge base)\n`
      : line`ingesting into ${store}\n`,
  );
  const total = emptySummary();
  try {
    for (const target of positionals) {
      const root = resolve(target);
      // A folder is stored as `<folder name>/<relative path>`, a file as its name.
      const isFolder = statSync(root).isDirectory();
      const listing = listFiles(root, {
        confineTo: isFolder ? root : dirname(root),
        maxFileBytes: MAX_FILE_BYTES,
        prefix: isFolder ? basename(root) : '',
      });
      for (const skip of listing.skipped) {
        process.stderr.write(line`skipped ${skip.path}: ${skip.reason}\n`);
      }
      const bar = progressBar(process.stderr, listing.files.length);
      const summary = await kb.ingest({
        collection,
        source: root,
        documents: readFiles(listing.files),
        total: listing.files.length,
        removeMissing: true,
        onProgress: ({ done, path }) => bar.update(done, path),
      });
      bar.finish();
      addSummary(total, summary);
    }
  } finally {
    await kb.close();
  }
  for (const failure of total.failed) {
    process.stderr.write(line`failed ${failure.path}: ${failure.reason}\n`);
  }
  const { failed, ...counts } = total;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  return failed.length > 0 ? 1 : 0;
}
