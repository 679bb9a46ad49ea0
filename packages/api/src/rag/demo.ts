import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLLECTION_PATTERN,
  collectionFolder,
  confinedPath,
  DEFAULT_COLLECTION,
} from './collections.ts';
import { type FileEntry, listFiles, MAX_FILE_BYTES, readFiles } from './ingest/files.ts';
import type { IngestSummary } from './ingest/pipeline.ts';
import type { KnowledgeBase } from './knowledge-base.ts';

const DEMO_SOURCE = 'demo';
const FOLDER_SOURCE = 'folder';

export interface DemoOptions {
  /** The repository whose documentation forms the demo knowledge base. */
  root: string;
}

/** The project's own documentation: README.md, docs/**, packages/*\/README.md, infra/*.md. */
export function demoFiles(root: string): FileEntry[] {
  const options = { confineTo: root, maxFileBytes: MAX_FILE_BYTES };
  const files: FileEntry[] = [];
  const add = (relativePath: string) => {
    if (existsSync(join(root, relativePath))) {
      files.push(
        ...listFiles(join(root, relativePath), { ...options, prefix: relativePath }).files,
      );
    }
  };
  add('README.md');
  add('docs');
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) add(join(group, name, 'README.md'));
  }
  if (existsSync(join(root, 'infra'))) {
    for (const name of readdirSync(join(root, 'infra')).sort()) {
      if (name.endsWith('.md')) add(join('infra', name));
    }
  }
  return files.filter((f) => f.path.endsWith('.md'));
}

/**
 * Ingests the demo documentation into the default collection, unless that collection holds
 * documents from anywhere else (an operator's own knowledge base is never mixed with it).
 * Re-running is cheap: unchanged files are skipped by content hash.
 */
export async function ingestDemo(
  kb: KnowledgeBase,
  { root }: DemoOptions,
): Promise<IngestSummary | null> {
  if ((await kb.documentCount(DEFAULT_COLLECTION, DEMO_SOURCE)) > 0) return null;
  const files = demoFiles(root);
  return kb.ingest({
    collection: DEFAULT_COLLECTION,
    source: DEMO_SOURCE,
    documents: readFiles(files),
    total: files.length,
    removeMissing: true,
  });
}

/**
 * Ingests each drop folder `DATA_DIR/collections/<id>/` into collection `<id>`: files that appear
 * are added, changed ones replaced, deleted ones removed. Folder names that are not valid
 * collection ids, and files resolving outside DATA_DIR, are skipped.
 */
export async function ingestCollectionFolders(
  kb: KnowledgeBase,
  dataDir: string,
): Promise<Map<string, IngestSummary>> {
  const results = new Map<string, IngestSummary>();
  const parent = confinedPath(dataDir, 'collections');
  if (!existsSync(parent)) return results;
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    if (!entry.isDirectory() || !COLLECTION_PATTERN.test(entry.name)) continue;
    const folder = collectionFolder(dataDir, entry.name);
    const { files } = listFiles(folder, { confineTo: dataDir, maxFileBytes: MAX_FILE_BYTES });
    results.set(
      entry.name,
      await kb.ingest({
        collection: entry.name,
        source: FOLDER_SOURCE,
        documents: readFiles(files),
        total: files.length,
        removeMissing: true,
      }),
    );
  }
  return results;
}
