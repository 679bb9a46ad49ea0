import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { allowedCollection, allowedCollections, readableCollection } from '../auth/collections.ts';
import type { Context } from '../context.ts';
import { isBusyError } from '../db/retry.ts';
import { apiError } from '../errors.ts';
import { adminProcedure, createTRPCRouter, publicProcedure } from '../trpc.ts';
import { collectionId, InvalidCollectionError } from './collections.ts';
import { EmbeddingsError } from './embeddings.ts';
import { DEFAULT_K, type KnowledgeBase } from './knowledge-base.ts';

/** Caps on what one call may ask for or send. */
export const RAG_LIMITS = {
  queryChars: 4_000,
  k: 50,
  documents: 100,
  contentChars: 1_000_000,
  totalChars: 8_000_000,
  pageSize: 100,
};

const noControlChars = (s: string) => ![...s].some((c) => c < ' ' || c === '\u007f');

const searchInput = z.object({
  query: z.string().trim().min(1).max(RAG_LIMITS.queryChars),
  collection: collectionId.optional(),
  k: z.number().int().min(1).max(RAG_LIMITS.k).optional(),
  /** One hit per document (default); false lists each matching chunk. */
  groupByDocument: z.boolean().optional(),
});

const ingestInput = z
  .object({
    collection: collectionId.optional(),
    documents: z
      .array(
        z.object({
          path: z.string().min(1).max(1024).refine(noControlChars, 'no control characters'),
          title: z.string().max(500).optional(),
          url: z
            .url({ protocol: /^https?$/ })
            .max(2048)
            .optional(),
          /** Text; for application/pdf, the file's bytes in base64. */
          content: z.string().max(RAG_LIMITS.contentChars),
          mimeType: z.string().max(100).optional(),
        }),
      )
      .min(1)
      .max(RAG_LIMITS.documents),
    /** Also remove documents earlier ingested through the API that this call does not list. */
    removeMissing: z.boolean().optional(),
  })
  .refine(
    (input) => input.documents.reduce((n, d) => n + d.content.length, 0) <= RAG_LIMITS.totalChars,
    { message: `documents may hold at most ${RAG_LIMITS.totalChars} characters in all` },
  );

const documentsInput = z.object({
  collection: collectionId.optional(),
  cursor: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(RAG_LIMITS.pageSize).optional(),
});

const deleteInput = z.object({
  collection: collectionId.optional(),
  id: z.number().int().positive(),
});

/** Documents sent through `rag.ingest` share one source, so `removeMissing` only touches them. */
const API_SOURCE = 'api';

function knowledgeBase(ctx: Context): KnowledgeBase {
  if (!ctx.deps.kb?.isOpen) {
    throw apiError('SERVICE_UNAVAILABLE', 'rag_unavailable', 'The knowledge base is not available');
  }
  return ctx.deps.kb;
}

/** Known failures become typed errors; anything else stays an internal error without details. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    if (error instanceof InvalidCollectionError) {
      throw apiError('BAD_REQUEST', 'invalid_collection', error.message);
    }
    if (isBusyError(error)) {
      throw apiError('SERVICE_UNAVAILABLE', 'storage_busy', 'The database is busy; retry shortly');
    }
    if (error instanceof EmbeddingsError) {
      throw apiError('BAD_GATEWAY', 'embeddings_failed', 'The embeddings endpoint failed');
    }
    throw error;
  }
}

export const ragRouter = createTRPCRouter({
  search: publicProcedure.input(searchInput).query(({ ctx, input }) =>
    guarded(async () =>
      knowledgeBase(ctx).search(input.query, {
        collection: await readableCollection(ctx, input.collection, knowledgeBase(ctx)),
        k: input.k ?? DEFAULT_K,
        groupByDocument: input.groupByDocument ?? true,
      }),
    ),
  ),

  ingest: adminProcedure.input(ingestInput).mutation(({ ctx, input }) =>
    guarded(() =>
      knowledgeBase(ctx).ingest({
        collection: allowedCollection(ctx, input.collection),
        source: API_SOURCE,
        removeMissing: input.removeMissing ?? false,
        documents: input.documents,
      }),
    ),
  ),

  collections: publicProcedure.query(({ ctx }) =>
    guarded(async () => allowedCollections(ctx, await knowledgeBase(ctx).collections())),
  ),

  documents: publicProcedure.input(documentsInput).query(({ ctx, input }) =>
    guarded(async () =>
      knowledgeBase(ctx).documents({
        collection: await readableCollection(ctx, input.collection, knowledgeBase(ctx)),
        limit: input.limit ?? 50,
        ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
      }),
    ),
  ),

  deleteDocument: adminProcedure.input(deleteInput).mutation(({ ctx, input }) =>
    guarded(async () => {
      const collection = allowedCollection(ctx, input.collection);
      if (!(await knowledgeBase(ctx).deleteDocument(collection, input.id))) {
        throw apiError('NOT_FOUND', 'document_not_found', 'No such document in this collection');
      }
      return { deleted: true as const };
    }),
  ),
});
