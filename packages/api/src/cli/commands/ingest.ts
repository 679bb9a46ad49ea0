import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { COLLECTION_PATTERN, DEFAULT_COLLECTION } from '../../rag/collections.ts';
import { embeddingsConfigFromEnv } from '../../rag/embeddings.ts';
import { listFiles, MAX_FILE_BYTES, readFiles } from '../../rag/ingest/files.ts';
import { addSummary, emptySummary } from '../../rag/ingest/pipeline.ts';
import { KnowledgeBase } from '../../rag/knowledge-base.ts';
import { parseCommand } from '../args.ts';
import { progressBar } from '../progress.ts';

const HELP = `Usage: bastion ingest <path...> [--collection ID] [--database FILE]

Adds files and folders to the knowledge base: Markdown/MDX, text, HTML, JSON/YAML, source code
and PDF. Re-running skips unchanged files, replaces changed ones and removes files that vanished
from a folder. Prints a JSON summary { added, updated, unchanged, removed, chunks }.
  --collection ID   collection (default "${DEFAULT_COLLECTION}"; 1-64 of a-z A-Z 0-9 _ -)
  --database FILE   SQLite file (default $DATABASE_PATH, else $DATA_DIR/bastion.sqlite)
Embeddings are added when EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are set, as for the server.
`;

function databasePath(flag: string | undefined): string {
  if (flag) return resolve(flag);
  if (process.env.DATABASE_PATH) return resolve(process.env.DATABASE_PATH);
  return resolve(process.env.DATA_DIR ?? './data', 'bastion.sqlite');
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
    if (positionals.length > 0) process.stderr.write(`bastion ingest: invalid --collection\n`);
    process.stderr.write(HELP);
    return 2;
  }
  const missing = positionals.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    process.stderr.write(`bastion ingest: not found: ${missing.join(', ')}\n`);
    return 2;
  }

  const kb = await KnowledgeBase.open({
    databasePath: databasePath(values.database),
    embeddings: embeddingsConfigFromEnv(process.env),
  });
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
        process.stderr.write(`skipped ${skip.path}: ${skip.reason}\n`);
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
    process.stderr.write(`failed ${failure.path}: ${failure.reason}\n`);
  }
  const { failed, ...counts } = total;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  return failed.length > 0 ? 1 : 0;
}
