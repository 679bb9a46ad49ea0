import type { Actor } from '../context.ts';

/** What a sign-in gives: the key's id and role, never the key. */
export interface SignedIn {
  keyId: string;
  role: Exclude<Actor['role'], 'anonymous'>;
}

/**
 * The host's side of browser sessions, for one request: the host owns the cookie (HttpOnly,
 * SameSite=Strict, Secure under TLS) and the server-side store; the router only asks.
 */
export interface SessionControl {
  /**
   * Exchanges a key for a session cookie carrying that key's actor; null when the key is not
   * valid. Throws a DomainError (`rate_limited`) when this client tried too often.
   */
  signIn(key: string): Promise<SignedIn | null>;
  /** Ends the caller's session (if any) and clears its cookie. */
  signOut(): void | Promise<void>;
  /** API_KEYS is set: without a key (or a session) the API refuses. */
  readonly keyRequired: boolean;
  /** PUBLIC_CHAT: a keyed server lets anonymous callers chat and search. */
  readonly publicChat: boolean;
}
