import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddingsConfig } from '@bastion/api';
import { z } from 'zod';
import { defineSection, envFlag, readSecret, url } from './section.ts';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface RagConfig {
  /** Hybrid retrieval when set; BM25 alone otherwise. */
  embeddings: EmbeddingsConfig | null;
  /** Repository whose documentation seeds the default collection, or null. */
  demoRoot: string | null;
  queryExpansion: boolean;
}

export const ragSection = defineSection(
  {
    EMBEDDINGS_BASE_URL: url.optional(),
    EMBEDDINGS_MODEL: z.string().trim().min(1).max(200).optional(),
    EMBEDDINGS_API_KEY: z.string().optional(),
    EMBEDDINGS_API_KEY_FILE: z.string().optional(),
    RAG_DEMO_ROOT: z.string().min(1).default(repositoryRoot),
    RAG_QUERY_EXPANSION: envFlag(true),
  },
  (e, problem): RagConfig => {
    if (e.EMBEDDINGS_BASE_URL && !e.EMBEDDINGS_MODEL) {
      problem('EMBEDDINGS_MODEL', 'must be set with EMBEDDINGS_BASE_URL');
    }
    if (e.EMBEDDINGS_MODEL && !e.EMBEDDINGS_BASE_URL) {
      problem('EMBEDDINGS_BASE_URL', 'must be set with EMBEDDINGS_MODEL');
    }
    const apiKey = readSecret(
      'EMBEDDINGS_API_KEY',
      e.EMBEDDINGS_API_KEY,
      e.EMBEDDINGS_API_KEY_FILE,
      problem,
    );
    return {
      embeddings:
        e.EMBEDDINGS_BASE_URL && e.EMBEDDINGS_MODEL
          ? { baseURL: e.EMBEDDINGS_BASE_URL, model: e.EMBEDDINGS_MODEL, apiKey }
          : null,
      demoRoot: e.RAG_DEMO_ROOT === 'none' ? null : resolve(e.RAG_DEMO_ROOT),
      queryExpansion: e.RAG_QUERY_EXPANSION,
    };
  },
);
