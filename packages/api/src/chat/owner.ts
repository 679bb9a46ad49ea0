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
   * keeps none such as the CLI): a cookieless caller from that address is the same caller. Null
   * for a key or a caller with a cookie.
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

export function owns(owner: RunOwner | null | undefined, actor: Actor): boolean {
  if (!owner) return false;
  if (owner.caller === callerOf(actor)) return true;
  const address = cookielessAddress(actor);
  return address !== null && address === owner.address;
}

/** Whose budget an answer spends: the key's, else the client address's (never a cookie's). */
export function budgetOf(actor: Actor): string {
  if (actor.keyId || !actor.address) return callerOf(actor);
  return `addr:${actor.address}`;
}
