import { batch, createSignal } from 'solid-js';
import { isAuthError } from './auth-error.ts';

/** What the page needs of `session.*` (SPEC 2.3); the key goes to the server once, in a POST body. */
export interface SessionClient {
  signIn: (key: string) => Promise<unknown>;
  signOut: () => Promise<unknown>;
  whoami: () => Promise<WhoAmI>;
}

export interface WhoAmI {
  signedIn: boolean;
  keyRequired: boolean;
  publicChat: boolean;
  /** The signed-in key's role (`admin` for an admin key). */
  role?: string;
}

/**
 * `open`: the server needs no key; `guest`: a keyed server that lets anonymous visitors chat
 * (PUBLIC_CHAT), where signing in is optional; `signed-in`: the session cookie carries a key's
 * actor; `signed-out`: the server wants a key and the page has none; `unreachable`: the first
 * question of who the page is went unanswered (the server is down or the network is).
 */
export type AuthState = 'unknown' | 'unreachable' | 'open' | 'guest' | 'signed-in' | 'signed-out';

/** May read what needs a key (the status summary, the documents list): no guest, no signed-out page. */
export function mayReadKeyed(state: AuthState): boolean {
  return state === 'open' || state === 'signed-in';
}

/** May ask questions (and list the collections it may ask about): everyone but a signed-out page. */
export function mayChat(state: AuthState): boolean {
  return state === 'open' || state === 'guest' || state === 'signed-in';
}

export function authStateOf(who: WhoAmI): AuthState {
  if (!who.keyRequired) return 'open';
  if (who.signedIn) return 'signed-in';
  return who.publicChat ? 'guest' : 'signed-out';
}

export function createSession(client: SessionClient) {
  const [state, setState] = createSignal<AuthState>('unknown');
  const [error, setError] = createSignal<string | null>(null);
  const [role, setRole] = createSignal<string | undefined>();

  async function refresh(): Promise<void> {
    try {
      const who = await client.whoami();
      batch(() => {
        setRole(who.signedIn ? who.role : undefined);
        setState(authStateOf(who));
      });
    } catch (e) {
      if (isAuthError(e)) setState('signed-out');
      else if (state() === 'unknown') setState('unreachable');
    }
  }

  async function signIn(key: string): Promise<boolean> {
    const trimmed = key.trim();
    if (!trimmed) return false;
    try {
      await client.signIn(trimmed);
      setError(null);
      setState('signed-in');
      // Which role the key has (an admin's session opens the admin tools without the key again).
      void refresh();
      return true;
    } catch (e) {
      setError(isAuthError(e) ? 'That key was not accepted.' : 'Cannot reach the Bastion server.');
      return false;
    }
  }

  async function signOut(): Promise<void> {
    await client.signOut().catch(() => undefined);
    setRole(undefined);
    setState('unknown');
    await refresh();
  }

  /**
   * A call came back 401: the page holds no key's session. A guest of a PUBLIC_CHAT server stays
   * one (the status summary is closed to guests); whoami tells the two apart.
   */
  async function noteAuthError(): Promise<void> {
    setRole(undefined);
    try {
      setState(authStateOf(await client.whoami()) === 'guest' ? 'guest' : 'signed-out');
    } catch {
      setState('signed-out');
    }
  }

  /** The session is an admin key's (the page may use it for the admin tools). */
  const admin = () => state() === 'signed-in' && role() === 'admin';

  return { state, error, admin, refresh, signIn, signOut, noteAuthError };
}

export type Session = ReturnType<typeof createSession>;
