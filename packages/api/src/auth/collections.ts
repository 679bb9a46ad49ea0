import type { Actor, Context } from '../context.ts';
import { apiError, DomainError } from '../errors.ts';
import { DEFAULT_COLLECTION } from '../rag/collections.ts';
import type { Retriever } from '../rag/retriever.ts';

/** Whether the caller's key may use `collection` (API_KEY_COLLECTIONS); unrestricted keys may use all. */
export function collectionAllowed(actor: Actor, collection: string): boolean {
  return !actor.collections || actor.collections.includes(collection);
}

/** Throws FORBIDDEN (`reason: 'collection_forbidden'`) when the caller's key is limited to other collections. */
export function assertCollectionAllowed(ctx: Pick<Context, 'actor'>, collection: string): void {
  if (!collectionAllowed(ctx.actor, collection)) {
    throw apiError(
      'FORBIDDEN',
      'collection_forbidden',
      `This API key may not use the collection "${collection}"`,
    );
  }
}

/** The subset of `collections` the caller may see, for listings. */
export function allowedCollections<T extends string | { id: string }>(
  ctx: Pick<Context, 'actor'>,
  collections: readonly T[],
): T[] {
  return collections.filter((c) => collectionAllowed(ctx.actor, typeof c === 'string' ? c : c.id));
}

/** The collection a call names (the default when none), if the caller's key may use it. */
export function allowedCollection(
  ctx: Pick<Context, 'actor'>,
  collection: string | undefined,
): string {
  const id = collection ?? DEFAULT_COLLECTION;
  assertCollectionAllowed(ctx, id);
  return id;
}

/**
 * The collection a call reads (the default when none named), if the caller may read it and it
 * exists. Least information first: a key limited to some collections is refused any other name
 * with `collection_forbidden`, whether it exists or not; only a caller who may read a name learns
 * that it is missing (`collection_not_found`). The default collection always exists.
 */
export async function readableCollection(
  ctx: Pick<Context, 'actor'>,
  collection: string | undefined,
  kb: Pick<Retriever, 'hasCollection'> | null | undefined,
): Promise<string> {
  const id = allowedCollection(ctx, collection);
  if (id !== DEFAULT_COLLECTION && kb?.hasCollection && !(await kb.hasCollection(id))) {
    throw new DomainError('collection_not_found', `There is no collection "${id}"`);
  }
  return id;
}
