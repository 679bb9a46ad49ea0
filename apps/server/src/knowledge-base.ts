import { mkdirSync } from 'node:fs';
import {
  type IngestSummary,
  ingestCollectionFolders,
  ingestDemo,
  KnowledgeBase,
} from '@bastion/api';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from './config/env.ts';

function counts({ failed, ...rest }: IngestSummary) {
  return { ...rest, failed: failed.length };
}

/**
 * Opens the knowledge base (database file, migrations), then seeds it: the demo documentation
 * into the default collection while that holds nothing else, and each `DATA_DIR/collections/<id>`
 * drop folder into its collection. A seeding failure (an embeddings endpoint that is down…) is
 * logged and the server starts with what the database already holds.
 */
export async function openKnowledgeBase(
  config: ServerConfig,
  log: FastifyBaseLogger,
): Promise<KnowledgeBase> {
  const kb = await KnowledgeBase.open({
    databasePath: config.databasePath,
    databaseUrl: config.storage.databaseUrl,
    databaseWaitMs: config.storage.databaseWaitMs,
    embeddings: config.rag.embeddings,
    queryExpansion: config.rag.queryExpansion,
    log,
  });
  try {
    if (config.rag.demoRoot) {
      const summary = await ingestDemo(kb, { root: config.rag.demoRoot });
      if (summary) log.info(counts(summary), 'demo knowledge base ingested');
    }
    mkdirSync(config.dataDir, { recursive: true });
    for (const [collection, summary] of await ingestCollectionFolders(kb, config.dataDir)) {
      log.info({ collection, ...counts(summary) }, 'collection folder ingested');
    }
  } catch (error) {
    log.warn({ err: error }, 'seeding the knowledge base failed; serving what it holds');
  }
  return kb;
}
