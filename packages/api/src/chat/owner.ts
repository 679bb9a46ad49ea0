import type { Actor } from '../context.ts';

/**
 * Who started a run, by every identity the starter was known by: a caller known by any of them
 * again may watch or cancel it, and nobody else.
 */
export interface RunOwner {
  /** The starter's key, else its anonymous caller identity (see `callerOf`). */
  readonly caller: string;
  /**
   * The client address of a starter that sent no caller cookie (a first visit, a client that
   * keeps none such as the CLI): an anonymous caller from that address is the same caller (see
   * `owns`). Null for a key or a caller with a cookie.
   */
  readonly address: string | null;
}

/**
 * Whose runs and limits a call uses: the key, else the anonymous caller identity the host set
 * (a session or the client address). Without either, the caller shares one anonymous bucket.
 */
function callerOf(actor: Actor): string {
  if (actor.keyId) return `key:${actor.keyId}`;
  return actor.callerId ? `anon:${actor.callerId}` : 'anon';
}

/** The address an anonymous caller without a cookie is also known by. */
function cookielessAddress(actor: Actor): string | null {
  return !actor.keyId && actor.cookieless && actor.address ? actor.address : null;
}

export function ownerOf(actor: Actor): RunOwner {
  return { caller: callerOf(actor), address: cookielessAddress(actor) };
}

/**
 * A run started without a cookie belongs to its address as much as to the cookie it was handed:
 * a page's first calls go out together and each is handed a cookie of its own, so the one the
 * browser keeps need not be the one its run was started with. Anyone at that address could drop
 * their cookie and be that caller anyway, so a cookie held there is no boundary to keep.
 */
export function owns(owner: RunOwner | null | undefined, actor: Actor): boolean {
  if (!owner) return false;
  if (owner.caller === callerOf(actor)) return true;
  return owner.address !== null && !actor.keyId && actor.address === owner.address;
}

/** Whose budget an answer spends: the key's, else the client address's (never a cookie's). */
export function budgetOf(actor: Actor): string {
  if (actor.keyId || !actor.address) return callerOf(actor);
  return `addr:${actor.address}`;
}
