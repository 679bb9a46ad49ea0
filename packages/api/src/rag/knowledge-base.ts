import type { Kysely } from 'kysely';
import { idListQuery } from '../db/id-list-query.ts';
import type { Database } from '../db/schema.ts';
import type { LexicalStats, SearchStorage } from '../storage/lexical.ts';
import { openSearchStorage, type StorageOptions } from '../storage/open.ts';
import { checkCollection, DEFAULT_COLLECTION } from './collections.ts';
import { EmbeddingsClient, type EmbeddingsConfig } from './embeddings.ts';
import { type IngestRequest, type IngestSummary, ingestDocuments } from './ingest/pipeline.ts';
import { type DocumentWriter, directWriter, sqliteWriterThread } from './ingest/writer.ts';
import { PASSAGE_GAP, type Passage, type RetrieveOptions, type Retriever } from './retriever.ts';
import { sanitizeMetadata, sanitizePassageText, sanitizeSnippet } from './sanitize.ts';
import type { ScoredChunk } from './search/bm25.ts';
import { ChunkMemo } from './search/chunk-memo.ts';
import { rankChunks } from './search/rank.ts';
import { hitExcerpt } from './search/snippet.ts';
import { reciprocalRankFusion } from './vectors.ts';

export type SearchMode = 'fts' | 'hybrid';

export interface SearchHit {
  chunkId: number;
  documentId: number;
  /** Document title › heading path. */
  title: string;
  path: string;
  url?: string;
  /** Excerpt with matched terms in `**bold**`, secrets redacted. */
  snippet: string;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  tookMs: number;
}

export interface SearchOptions extends RetrieveOptions {
  /** Build highlighted snippets (default); rankings for evaluation skip them. */
  snippets?: boolean;
}

export interface CollectionInfo {
  id: string;
  documents: number;
  chunks: number;
}

export interface DocumentInfo {
  id: number;
  path: string;
  title: string;
  url: string | null;
  mimeType: string;
  bytes: number;
  chunks: number;
  ingestedAt: number;
}

/** What `status.summary.rag` shows. */
export interface RagStatus {
  ok: boolean;
  mode: SearchMode;
  collections: number;
  documents: number;
  chunks: number;
  journalMode: string;
}

export interface KnowledgeBaseLogger {
  warn(fields: object, message: string): void;
}

export interface KnowledgeBaseOptions extends StorageOptions {
  /** Hybrid retrieval (BM25 + vectors, fused by reciprocal rank) when set. */
  embeddings?: EmbeddingsConfig | null;
  /** Pseudo-relevance feedback on the lexical side (default on). */
  queryExpansion?: boolean;
  log?: KnowledgeBaseLogger;
}

export const DEFAULT_K = 8;
/**
 * A passage for chat is its document's best chunk, followed by up to PASSAGE_CHUNKS - 1 more of
 * the document's ranked chunks that score at least RELATED_SHARE of the best: the answer to a
 * question is not always in the chunk that matched it best (a README's sections). One more, not
 * all, keeps the prompt within a small model's context.
 */
const PASSAGE_CHUNKS = 3;
const RELATED_SHARE = 0.5;
/** Most chunks ranked to fill `k` distinct documents (a few documents may hold most matches). */
const MAX_CHUNK_DEPTH = 4 * 1000;
/** Deepest ranking served (the API asks for far fewer; evaluations need 100 documents). */
export const MAX_K = 1000;
const STATUS_MAX_AGE_MS = 5_000;

type ChunkRow = {
  chunkId: number;
  documentId: number;
  title: string;
  body: string;
  path: string;
  url: string | null;
};

const documentIds = idListQuery((db, ids) =>
  db.selectFrom('chunks').select(['id', 'document_id']).where('id', 'in', ids),
);

const chunkRows = idListQuery((db, ids) =>
  db
    .selectFrom('chunks')
    .innerJoin('documents', 'documents.id', 'chunks.document_id')
    .select([
      'chunks.id as chunkId',
      'chunks.document_id as documentId',
      'chunks.title',
      'chunks.body',
      'documents.path',
      'documents.url',
    ])
    .where('chunks.id', 'in', ids),
);

/**
 * The knowledge base: SQLite storage, ingestion and retrieval (BM25 with query expansion,
 * optionally fused with vector search). Chat uses it as its `Retriever`.
 */
export class KnowledgeBase implements Retriever {
  readonly #storage: SearchStorage;
  readonly #db: Kysely<Database>;
  readonly #writer: DocumentWriter;
  readonly #stats: LexicalStats;
  readonly #embeddings: EmbeddingsClient | null;
  readonly #expand: boolean;
  readonly #log: KnowledgeBaseLogger | undefined;
  #status: RagStatus;
  /** Counts per collection, so a caller's status counts only what it may read. */
  #counts: CollectionInfo[] = [];
  #statusAt = 0;
  #refreshing: Promise<void> | null = null;
  #open = true;
  /**
   * Redaction of what recurs from question to question: passage texts, by their best chunk's id,
   * and each chunk's title, path and URL (see ChunkMemo: served only for the same text).
   */
  readonly #passages = new ChunkMemo<string>({ maxEntries: 500, maxChars: 2_000_000 });
  readonly #metadata = new ChunkMemo<Pick<ChunkRow, 'title' | 'path' | 'url'>>({
    maxEntries: 2_000,
    maxChars: 500_000,
  });

  private constructor(storage: SearchStorage, options: KnowledgeBaseOptions) {
    this.#storage = storage;
    this.#db = storage.db;
    // SQLite's full-text indexing runs in the calls that write chunks: on a thread of its own.
    this.#writer =
      storage.engine === 'sqlite'
        ? sqliteWriterThread(options.databasePath)
        : directWriter(storage.db);
    this.#stats = storage.stats;
    if (options.embeddings && !storage.vectors) {
      options.log?.warn({}, 'this database has no vector search; retrieval is full-text only');
    }
    // Embeddings only where they can be searched: otherwise every ingest would pay for vectors.
    this.#embeddings =
      options.embeddings && storage.vectors ? new EmbeddingsClient(options.embeddings) : null;
    this.#expand = options.queryExpansion ?? true;
    this.#log = options.log;
    this.#status = {
      ok: true,
      mode: this.mode,
      collections: 0,
      documents: 0,
      chunks: 0,
      journalMode: storage.journalMode,
    };
  }

  /** Opens the database (`databaseUrl`, else the file at `databasePath`), applying migrations. */
  static async open(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
    const kb = new KnowledgeBase(await openSearchStorage(options), options);
    await kb.#refreshStatus();
    return kb;
  }

  get mode(): SearchMode {
    return this.#embeddings ? 'hybrid' : 'fts';
  }

  /** Open, migrated and usable. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** The open database, for features that keep their tables beside the knowledge base (feedback). */
  get database(): Kysely<Database> {
    return this.#db;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const { bodies: _, ...result } = await this.#search(query, options, false);
    return result;
  }

  /** Chat's view: the same ranking, with each chunk's full (redacted) text. */
  async retrieve(query: string, options: RetrieveOptions = {}): Promise<Passage[]> {
    const { hits, bodies } = await this.#search(query, options, true);
    return hits.map((hit) => ({
      id: String(hit.chunkId),
      documentId: String(hit.documentId),
      title: hit.title,
      path: hit.path,
      ...(hit.url ? { url: hit.url } : {}),
      snippet: hit.snippet,
      text: this.#passages.get(hit.chunkId, bodies.get(hit.chunkId) ?? '', sanitizePassageText),
      score: hit.score,
    }));
  }

  /** Whether `collection` holds a document (an index lookup: documents are unique by collection first). */
  async hasCollection(collection: string): Promise<boolean> {
    // Closed, it cannot tell: retrieval reports the knowledge base as unavailable instead.
    if (!this.#open) return true;
    const row = await this.#db
      .selectFrom('documents')
      .select('id')
      .where('collection', '=', checkCollection(collection))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Search hits, and with `passages` each hit's passage text for chat (more rows to read). */
  async #search(
    query: string,
    { collection, k = DEFAULT_K, signal, snippets = true, groupByDocument = true }: SearchOptions,
    passages: boolean,
  ): Promise<SearchResult & { bodies: Map<number, string> }> {
    const started = performance.now();
    const id = checkCollection(collection);
    const limit = Math.min(Math.max(1, Math.floor(k)), MAX_K);
    const { ranked, terms, mode, related } = groupByDocument
      ? await this.#rankDocuments(query, id, limit, signal)
      : {
          ...(await this.#rank(query, id, limit, signal)),
          related: new Map<number, ScoredChunk[]>(),
        };
    const also = new Map<number, number[]>();
    for (const { id: chunkId, score } of passages ? ranked : []) {
      const near = (related.get(chunkId) ?? []).filter((c) => c.score >= RELATED_SHARE * score);
      also.set(
        chunkId,
        near.slice(0, PASSAGE_CHUNKS - 1).map((c) => c.id),
      );
    }
    const rows = await this.#chunkRows([...ranked.map((r) => r.id), ...[...also.values()].flat()]);
    const hits: SearchHit[] = [];
    const bodies = new Map<number, string>();
    for (const { id: chunkId, score } of ranked) {
      const row = rows.get(chunkId);
      if (!row) continue;
      // A further chunk opens with its title path as a heading line: its section, which the
      // passage's title (the best chunk's) does not name.
      const more = (also.get(chunkId) ?? []).flatMap((c) => {
        const other = rows.get(c);
        return other ? [`# ${other.title}\n\n${other.body}`] : [];
      });
      if (passages) bodies.set(chunkId, [row.body, ...more].join(PASSAGE_GAP));
      hits.push({
        chunkId,
        documentId: row.documentId,
        title: row.title,
        path: row.path,
        ...(row.url ? { url: row.url } : {}),
        snippet: snippets ? sanitizeSnippet(hitExcerpt(row.body, terms)) : '',
        score,
      });
    }
    const tookMs = Math.round((performance.now() - started) * 100) / 100;
    return { hits, mode, tookMs, bodies };
  }

  /**
   * The best chunk of each of the `k` best documents: chunks are ranked deep enough that `k`
   * distinct documents fill the list (deeper only when a few documents hold most matches).
   */
  async #rankDocuments(query: string, collection: string, k: number, signal?: AbortSignal) {
    for (let depth = 2 * k + 8; ; depth *= 4) {
      const result = await this.#rank(query, collection, depth, signal);
      const documents = await this.#documentsOf(result.ranked);
      const best: ScoredChunk[] = [];
      // Best chunk id → the same document's other ranked chunks, best first.
      const related = new Map<number, ScoredChunk[]>();
      const bestOf = new Map<number, number>();
      for (const chunk of result.ranked) {
        const document = documents.get(chunk.id);
        if (document === undefined) continue;
        const first = bestOf.get(document);
        if (first !== undefined) {
          related.get(first)?.push(chunk);
        } else if (best.length < k) {
          bestOf.set(document, chunk.id);
          related.set(chunk.id, []);
          best.push(chunk);
        }
      }
      if (best.length === k || result.ranked.length < depth || depth >= MAX_CHUNK_DEPTH) {
        return { ...result, ranked: best, related };
      }
    }
  }

  /** chunk id → document id. */
  async #documentsOf(chunks: readonly ScoredChunk[]): Promise<Map<number, number>> {
    const documents = new Map<number, number>();
    for (let start = 0; start < chunks.length; start += 500) {
      const rows = await documentIds(
        this.#db,
        chunks.slice(start, start + 500).map((c) => c.id),
      );
      for (const row of rows) documents.set(row.id, row.document_id);
    }
    return documents;
  }

  async #rank(query: string, collection: string, k: number, signal?: AbortSignal) {
    const depth = this.#embeddings ? Math.max(2 * k, 20) : k;
    const lexical = await rankChunks(this.#db, this.#stats, query, {
      collection,
      k: depth,
      expand: this.#expand,
    });
    signal?.throwIfAborted();
    let ranked: ScoredChunk[] = lexical.chunks.slice(0, k);
    let mode: SearchMode = 'fts';
    if (this.#embeddings && query.trim()) {
      try {
        const [vector] = await this.#embeddings.embed([query], {
          interactive: true,
          ...(signal ? { signal } : {}),
        });
        const nearest = await this.#storage.nearestChunks(vector as Float32Array, {
          collection,
          model: this.#embeddings.model,
          k: depth,
        });
        ranked = reciprocalRankFusion(
          [lexical.chunks.map((c) => c.id), nearest.map((n) => n.id)],
          k,
        );
        mode = 'hybrid';
      } catch (error) {
        signal?.throwIfAborted();
        this.#log?.warn({ err: (error as Error).name }, 'vector search failed; lexical only');
      }
    }
    return { ranked, terms: lexical.terms, mode };
  }

  async #chunkRows(ids: readonly number[]): Promise<Map<number, ChunkRow>> {
    if (ids.length === 0) return new Map();
    const rows = await chunkRows(this.#db, ids);
    return new Map(
      rows.map((r) => [
        r.chunkId,
        {
          ...r,
          ...this.#metadata.get(r.chunkId, JSON.stringify([r.title, r.path, r.url]), () =>
            sanitizeMetadata({ title: r.title, path: r.path, url: r.url }),
          ),
        },
      ]),
    );
  }

  async ingest(
    request: Omit<IngestRequest, 'collection'> & { collection?: string },
  ): Promise<IngestSummary> {
    const collection = checkCollection(request.collection);
    await this.#storage.ensureCollection(collection);
    const summary = await ingestDocuments(
      { db: this.#db, embeddings: this.#embeddings, writer: this.#writer },
      { ...request, collection },
    );
    await this.#changed();
    return summary;
  }

  async collections(): Promise<CollectionInfo[]> {
    const rows = await this.#db
      .selectFrom('documents')
      .select((eb) => [
        'collection',
        eb.fn.countAll<number>().as('documents'),
        eb.fn.sum<number>('chunk_count').as('chunks'),
      ])
      .groupBy('collection')
      .orderBy('collection')
      .execute();
    return rows.map((r) => ({
      id: r.collection,
      documents: Number(r.documents),
      chunks: Number(r.chunks),
    }));
  }

  /** A page of a collection's documents in id order, from after `cursor`. */
  async documents({
    collection,
    cursor,
    limit,
  }: {
    collection?: string;
    cursor?: number;
    limit: number;
  }): Promise<{ items: DocumentInfo[]; nextCursor: number | null }> {
    const rows = await this.#db
      .selectFrom('documents')
      .select(['id', 'path', 'title', 'url', 'mime_type', 'bytes', 'chunk_count', 'ingested_at'])
      .where('collection', '=', checkCollection(collection))
      .where('id', '>', cursor ?? 0)
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map((row) => {
      const r = sanitizeMetadata(row);
      return {
        id: r.id,
        path: r.path,
        title: r.title,
        url: r.url,
        mimeType: r.mime_type,
        bytes: r.bytes,
        chunks: r.chunk_count,
        ingestedAt: r.ingested_at,
      };
    });
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Removes a document and its chunks; false when the collection holds no such document. */
  async deleteDocument(collection: string | undefined, id: number): Promise<boolean> {
    const deleted = await this.#writer.remove(checkCollection(collection), [id]);
    await this.#changed();
    return deleted > 0;
  }

  /** Documents in a collection, optionally only those from other sources than `exceptSource`. */
  async documentCount(collection: string = DEFAULT_COLLECTION, exceptSource?: string) {
    let query = this.#db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('collection', '=', checkCollection(collection));
    if (exceptSource !== undefined) query = query.where('source', '!=', exceptSource);
    return Number((await query.executeTakeFirst())?.n ?? 0);
  }

  /**
   * Counts for the status summary, refreshed in the background when older than a few seconds;
   * with `readable`, of those collections only (a key limited to some learns nothing of others).
   */
  status(readable?: (collection: string) => boolean): RagStatus {
    if (this.#open && Date.now() - this.#statusAt > STATUS_MAX_AGE_MS) void this.#refreshStatus();
    const counts = readable ? this.#counts.filter((c) => readable(c.id)) : this.#counts;
    return {
      ...this.#status,
      ok: this.#status.ok && this.#open,
      collections: counts.length,
      documents: counts.reduce((n, c) => n + c.documents, 0),
      chunks: counts.reduce((n, c) => n + c.chunks, 0),
    };
  }

  async #changed(): Promise<void> {
    this.#stats.invalidate();
    await this.#refreshing;
    await this.#refreshStatus();
  }

  #refreshStatus(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        this.#counts = await this.collections();
        this.#status = { ...this.#status, ok: true };
      } catch (error) {
        this.#status = { ...this.#status, ok: false };
        this.#log?.warn({ err: (error as Error).name }, 'knowledge base status failed');
      } finally {
        this.#statusAt = Date.now();
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#refreshing;
    await this.#writer.close();
    await this.#storage.close();
  }
}

/** The status of a knowledge base, or of its absence (not configured, not open). */
export function ragStatus(
  kb: KnowledgeBase | undefined,
  readable?: (collection: string) => boolean,
): RagStatus {
  return (
    kb?.status(readable) ?? {
      ok: false,
      mode: 'fts',
      collections: 0,
      documents: 0,
      chunks: 0,
      journalMode: 'unknown',
    }
  );
}
